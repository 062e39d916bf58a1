package org.millrace.transform.graph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;
import org.millrace.api.data.FeatureType;
import org.millrace.api.model.Task;

/**
 * A fitted transform graph (the content of a {@code TransformGraph} artifact): raw inputs,
 * ordered feature pipelines with their fitted constants, the dense output schema and the label
 * encoding. {@link #applyRow} and {@link #apply} are the only apply code in millrace; both run
 * the same per-row routine, so a served row gets exactly the floats the trainer saw.
 *
 * <p>Immutable and thread-safe.
 */
public final class Graph {
  /** File name inside a TransformGraph artifact directory. */
  public static final String FILE_NAME = "transform_graph.json";
  /** Current {@code format_version} of the JSON. */
  public static final int FORMAT_VERSION = 1;

  private final List<InputFeature> inputs;
  private final List<String> ignoredInputs;
  private final List<FeaturePipeline> pipelines;
  private final LabelSpec label;
  private final boolean nanIsMissing;
  private final List<String> featureNames;
  private final int[][] sourceIndex;
  private final InputFeature[][] sourceTypes;

  /**
   * @param inputs raw features read by the pipelines (the label excluded)
   * @param pipelines feature pipelines in output order
   * @param label label encoding, or null for a graph without a label
   * @param nanPolicy "error" (NaN/Infinity in numeric input is an error) or "missing"
   */
  public Graph(List<InputFeature> inputs, List<FeaturePipeline> pipelines, LabelSpec label, String nanPolicy) {
    this(inputs, List.of(), pipelines, label, nanPolicy);
  }

  /**
   * As {@link #Graph(List, List, LabelSpec, String)}, with {@code ignoredInputs}: the columns of the
   * data the graph was fitted on that it does not read (excluded or not named), which a row may carry
   * (a data lake's whole row) and which are ignored, as the label is.
   */
  public Graph(List<InputFeature> inputs, List<String> ignoredInputs, List<FeaturePipeline> pipelines, LabelSpec label,
      String nanPolicy) {
    this.inputs = List.copyOf(inputs);
    this.ignoredInputs = List.copyOf(ignoredInputs);
    this.pipelines = List.copyOf(pipelines);
    this.label = label;
    if (!"error".equals(nanPolicy) && !"missing".equals(nanPolicy)) {
      throw new IllegalArgumentException("nan_policy expected error or missing, got '" + nanPolicy + "'");
    }
    this.nanIsMissing = "missing".equals(nanPolicy);
    var byName = new HashMap<String, Integer>();
    for (int i = 0; i < this.inputs.size(); i++) {
      if (byName.put(this.inputs.get(i).name(), i) != null) {
        throw new IllegalArgumentException("graph inputs expected distinct names, got '" + this.inputs.get(i).name() + "' twice");
      }
    }
    for (String ignored : this.ignoredInputs) {
      if (byName.containsKey(ignored) || label != null && ignored.equals(label.feature())) {
        throw new IllegalArgumentException("graph ignored_inputs expected columns the graph does not read, got '"
            + ignored + "', which it reads");
      }
    }
    var names = new ArrayList<String>();
    sourceIndex = new int[this.pipelines.size()][];
    sourceTypes = new InputFeature[this.pipelines.size()][];
    for (int p = 0; p < this.pipelines.size(); p++) {
      FeaturePipeline fp = this.pipelines.get(p);
      sourceIndex[p] = new int[fp.sources().size()];
      sourceTypes[p] = new InputFeature[fp.sources().size()];
      for (int s = 0; s < fp.sources().size(); s++) {
        Integer i = byName.get(fp.sources().get(s));
        if (i == null) {
          throw new IllegalArgumentException("feature pipeline '" + fp.name() + "' source expected one of the inputs "
              + byName.keySet() + ", got '" + fp.sources().get(s) + "'");
        }
        sourceIndex[p][s] = i;
        sourceTypes[p][s] = this.inputs.get(i);
      }
      names.addAll(fp.outputNames());
    }
    if (names.size() != new java.util.HashSet<>(names).size()) {
      throw new IllegalArgumentException("graph output names expected to be distinct, got " + names);
    }
    this.featureNames = List.copyOf(names);
  }

  /** Reads {@code transform_graph.json} from an artifact directory, or the file itself. */
  public static Graph read(Path dirOrFile) {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE_NAME) : dirOrFile;
    try {
      return GraphJson.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("transform graph expected a readable " + FILE_NAME + ", got " + file + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " [in " + file + "]", e);
    }
  }

  /** Writes {@code transform_graph.json} into {@code dir} (created if needed). */
  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(FILE_NAME), toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + dir.resolve(FILE_NAME) + ": " + e, e);
    }
  }

  /** Pretty JSON (stable: same graph, same text). */
  public String toJson() {
    return GraphJson.toJson(this);
  }

  /** Parses the JSON of {@link #toJson()}. */
  public static Graph fromJson(String json) {
    return GraphJson.fromJson(json);
  }

  /** Length of the dense feature vector. */
  public int featureDim() {
    return featureNames.size();
  }

  /** Names of the dense vector's entries, e.g. {@code island=Biscoe}, {@code bill_length_mm_zscore}. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Raw label feature, when the graph encodes a label. */
  public Optional<String> labelFeature() {
    return label == null ? Optional.empty() : Optional.of(label.feature());
  }

  /** Label spec, or empty. */
  public Optional<LabelSpec> label() {
    return Optional.ofNullable(label);
  }

  /** Classification or regression (regression also for a graph without label). */
  public Task task() {
    return label == null ? Task.REGRESSION : label.task();
  }

  /** Columns of the data the graph was fitted on that it does not read: a request may carry them, ignored. */
  public List<String> ignoredInputs() {
    return ignoredInputs;
  }

  /** Class names in index order (empty for regression or no label). */
  public List<String> labelVocabulary() {
    return label == null ? List.of() : label.vocabulary();
  }

  public List<InputFeature> inputs() {
    return inputs;
  }

  public List<FeaturePipeline> pipelines() {
    return pipelines;
  }

  /** "error" or "missing". */
  public String nanPolicy() {
    return nanIsMissing ? "missing" : "error";
  }

  /** Transforms one raw row (values as parsed from JSON: Number, String, Boolean or null; absent = missing). */
  public float[] applyRow(Map<String, Object> rawRow) {
    Object[] raw = new Object[inputs.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = rawRow.get(inputs.get(i).name());
    }
    float[] out = new float[featureNames.size()];
    applyInto(raw, new Cursor(), out, 0);
    return out;
  }

  /** Transforms a batch of raw rows; labels are encoded when the batch has the label column. */
  public DenseBatch apply(Batch rawBatch) {
    int rows = rawBatch.rowCount();
    Column[] cols = new Column[inputs.size()];
    for (int i = 0; i < cols.length; i++) {
      String n = inputs.get(i).name();
      if (rawBatch.schema().indexOf(n) < 0) {
        throw new IllegalArgumentException("transform input expected column '" + n + "', got columns "
            + rawBatch.schema().names());
      }
      cols[i] = rawBatch.column(n);
    }
    int dim = featureNames.size();
    float[] out = new float[rows * dim];
    Object[] raw = new Object[cols.length];
    var cursor = new Cursor();
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < cols.length; i++) {
        raw[i] = cols[i].get(r);
      }
      try {
        applyInto(raw, cursor, out, r * dim);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " [in the row " + rowText(rawBatch, r) + "]", e);
      }
    }
    float[] labels = null;
    if (label != null && rawBatch.schema().indexOf(label.feature()) >= 0) {
      Column lc = rawBatch.column(label.feature());
      labels = new float[rows];
      for (int r = 0; r < rows; r++) {
        try {
          labels[r] = encodeLabel(lc.get(r));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage() + " [in the row " + rowText(rawBatch, r) + "]", e);
        }
      }
    }
    return new DenseBatch(out, rows, dim, labels);
  }

  /**
   * A row's values as {@code {name: value, ...}} (at most 20 columns, long values cut), so that an
   * error names the row by its content: a batch carries no input file or line.
   */
  static String rowText(Batch batch, int row) {
    var sb = new StringBuilder("{");
    List<String> names = batch.schema().names();
    for (int c = 0; c < names.size(); c++) {
      if (c == 20) {
        sb.append(", ... (").append(names.size()).append(" columns)");
        break;
      }
      Object v = batch.column(c).get(row);
      String text = v == null ? "missing" : String.valueOf(v);
      sb.append(c > 0 ? ", " : "").append(names.get(c)).append(": ")
          .append(text.length() > 40 ? text.substring(0, 37) + "..." : text);
    }
    return sb.append("}").toString();
  }

  /** The encoded label: class index for classification, the value for regression. */
  public float encodeLabel(Object rawLabel) {
    if (label == null) {
      throw new IllegalStateException("encodeLabel expected a graph with a label spec, got a graph without label");
    }
    if (rawLabel == null) {
      throw new IllegalArgumentException("label '" + label.feature() + "' expected a value, got missing");
    }
    if (label.task() == Task.REGRESSION) {
      double d = Values.toDouble(rawLabel, new InputFeature(label.feature(), FeatureType.FLOAT), label.feature());
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("label '" + label.feature() + "' expected a finite number, got " + d);
      }
      return (float) d;
    }
    String s = rawLabel instanceof String str ? str : Values.toText(rawLabel, labelInput());
    int i = label.vocabulary().indexOf(s);
    if (i < 0) {
      throw new UnseenClassException(label.feature(), s, label.vocabulary());
    }
    return i;
  }

  private InputFeature labelInput() {
    return new InputFeature(label.feature(), label.type());
  }

  private void applyInto(Object[] raw, Cursor cursor, float[] out, int off) {
    int o = off;
    for (int p = 0; p < pipelines.size(); p++) {
      int[] idx = sourceIndex[p];
      Object[] vals = new Object[idx.length];
      for (int s = 0; s < idx.length; s++) {
        vals[s] = raw[idx[s]];
      }
      o += pipelines.get(p).emit(vals, sourceTypes[p], cursor, nanIsMissing, out, o);
    }
    if (o - off != featureNames.size()) {
      throw new IllegalStateException("BUG: graph emitted " + (o - off) + " floats, expected " + featureNames.size());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Graph g && inputs.equals(g.inputs) && pipelines.equals(g.pipelines)
        && Objects.equals(label, g.label) && nanIsMissing == g.nanIsMissing;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputs, pipelines, label, nanIsMissing);
  }

  @Override
  public String toString() {
    return "Graph[dim=" + featureDim() + ", features=" + featureNames + ", label=" + label + "]";
  }
}
