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

/** Applies the graph to a raw batch, producing the {@code features}/{@code label} batch. */
final class ApplyFn extends DoFn<Batch, Batch> {
  static final int MAX_ROWS = 2048;
  private final String graphJson;
  private final String source;
  private transient Graph graph;
  private transient DataSchema schema;

  ApplyFn(String graphJson, String source) {
    this.graphJson = graphJson;
    this.source = source;
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

  @ProcessElement
  public void process(@Element Batch raw, OutputReceiver<Batch> out) {
    DenseBatch d;
    try {
      d = graph.apply(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " [in " + source + "]", e);
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
