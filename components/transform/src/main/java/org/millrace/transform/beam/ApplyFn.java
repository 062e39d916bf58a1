package org.millrace.transform.beam;

import java.util.BitSet;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.transform.graph.DenseBatch;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.graph.UnseenClassException;

/** Applies the graph to a raw batch, producing the {@code features}/{@code label} batch. */
final class ApplyFn extends DoFn<Batch, Batch> {
  static final int MAX_ROWS = 2048;
  private final String graphJson;
  private final String source;
  private final String split;
  private final List<String> analyzeSplits;
  private final boolean classesGiven;
  private transient Graph graph;
  private transient DataSchema schema;

  ApplyFn(String graphJson, String source) {
    this(graphJson, source, null, List.of(), false);
  }

  /**
   * @param split the split this reads, for messages (null if unknown)
   * @param analyzeSplits the splits the graph was fitted on
   * @param classesGiven whether the label's classes came from {@code label.classes} rather than the data
   */
  ApplyFn(String graphJson, String source, String split, List<String> analyzeSplits, boolean classesGiven) {
    this.graphJson = graphJson;
    this.source = source;
    this.split = split;
    this.analyzeSplits = List.copyOf(analyzeSplits);
    this.classesGiven = classesGiven;
  }

  /** The transformed Examples schema for a graph of dimension {@code dim}. */
  static DataSchema outputSchema(int dim) {
    return DataSchema.of(Feature.vector("features", dim), Feature.of("label", FeatureType.FLOAT, false));
  }

  @Setup
  public void setup() {
    graph = Graph.fromJson(graphJson);
    schema = outputSchema(graph.featureDim());
  }

  /** Classes beyond which an error shows the first few rather than all. */
  static final int MANY_CLASSES = 20;

  /** The list, or its first ten and how many more (an error line stays readable). */
  static String some(List<String> values) {
    if (values.size() <= MANY_CLASSES) {
      return values.toString();
    }
    String first = values.subList(0, 10).toString();
    return first.substring(0, first.length() - 1) + ", ... " + (values.size() - 10) + " more]";
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The apply error with its split and, for a label the graph cannot encode, the fix. */
  String explain(IllegalArgumentException e) {
    String where = " [in " + (split == null ? "" : "split '" + split + "' of ") + source + "]";
    String row = e.getMessage().contains(" [in the row ")
        ? e.getMessage().substring(e.getMessage().lastIndexOf(" [in the row ")) : "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnseenClassException u) {
        if (classesGiven) {
          return "label '" + u.label() + "' expected one of label.classes " + u.classes() + ", got '" + u.value()
              + "' in split '" + split + "'. Fix: add '" + u.value() + "' to label.classes, or correct the data"
              + row + where;
        }
        var all = new java.util.ArrayList<>(u.classes());
        all.add(u.value());
        if (all.size() > MANY_CLASSES && all.stream().allMatch(ApplyFn::isNumber)) {
          // A numeric label with this many values is most likely a regression target given as classes.
          return "label '" + u.label() + "' class '" + u.value() + "' occurs in split '" + split
              + "' but not in the analyze splits " + analyzeSplits + ", where " + u.classes().size()
              + " classes were fitted, all numbers (" + some(u.classes()) + "): a numeric label with that many"
              + " values is usually a regression target. Fix: label: {feature: " + u.label()
              + ", task: regression}; if they are classes, name every one in label.classes" + row + where;
        }
        return "label '" + u.label() + "' class '" + u.value() + "' occurs in split '" + split
            + "' but not in the analyze splits " + analyzeSplits + ", where the classes " + some(u.classes())
            + " were fitted (too few rows of it to land there?). Fix: name every class, label: {feature: "
            + u.label() + ", classes: " + (all.size() <= MANY_CLASSES ? all.toString() : "[every one of "
            + all.size() + "]") + "}, or give more rows of class '" + u.value() + "'" + row + where;
      }
    }
    if (e.getMessage().startsWith("label '") && e.getMessage().contains("expected a value, got missing")) {
      String label = graph.labelFeature().orElse("?");
      return e.getMessage() + where + ". Fix: set label: " + label + " and missing_label: drop (or quarantine) on the"
          + " ExampleGen, which sets such rows aside at ingest naming their input file and line";
    }
    return e.getMessage() + where;
  }

  @ProcessElement
  public void process(@Element Batch raw, OutputReceiver<Batch> out) {
    DenseBatch d;
    try {
      d = graph.apply(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(explain(e), e);
    }
    if (d.labels() == null) {
      throw new IllegalArgumentException("transform expected label column '" + graph.labelFeature().orElse("?")
          + "' in " + source + ", got columns " + raw.schema().names());
    }
    double[] labels = new double[d.rows()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = d.labels()[i];
    }
    Batch dense = new Batch(schema, List.of(new Column.FloatVectors(d.features(), d.dim(), new BitSet()),
        new Column.Doubles(labels, new BitSet())));
    // Arrow conversion in components/api (0.1) fills vectors without growing them past their
    // default capacity (~3,970 values), so emit at most MAX_ROWS rows per batch.
    for (int from = 0; from < dense.rowCount(); from += MAX_ROWS) {
      out.output(dense.rowCount() <= MAX_ROWS ? dense : dense.slice(from, Math.min(dense.rowCount(), from + MAX_ROWS)));
    }
  }
}
