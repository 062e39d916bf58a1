package org.millrace.transform.analyze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.model.Task;
import org.millrace.api.spec.ParameterException;
import org.millrace.transform.graph.FeaturePipeline;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.graph.InputFeature;
import org.millrace.transform.graph.LabelSpec;
import org.millrace.transform.graph.Probe;
import org.millrace.transform.spec.FeatureResolver;
import org.millrace.transform.spec.FeatureSpec;
import org.millrace.transform.spec.OpSpec;
import org.millrace.transform.spec.TransformParams;

/**
 * Fits a {@link Graph} in phases, tf.Transform style: each phase asks for the analysis points
 * ({@link #pendingProbes()}: the value of a pipeline just before its next op that needs
 * statistics), a full pass computes one accumulator per point, and {@link #fit} fits those ops.
 * A pipeline {@code [fill_missing: mean, zscore]} takes two phases, so the z-score is fitted on
 * the filled values it will see at apply time. The label vocabulary is fitted in phase 0.
 */
public final class GraphBuilder {
  private final TransformParams params;
  private final List<PipelineState> states = new ArrayList<>();
  private final List<InputFeature> inputs;
  private final InputFeature labelInput;
  /** The raw data's columns, in order, for the ones the graph does not read. */
  private final List<String> rawNames;
  private final FeatureResolver.Resolved resolved;
  private List<String> labelVocabulary;
  private List<PipelineState> pending = List.of();
  private boolean labelPending;
  private int phase;

  /** Checks the spec against the raw schema (features exist, op types fit) before any data moves. */
  public GraphBuilder(TransformParams params, DataSchema raw) {
    this.params = params;
    Feature lf = raw.find(params.label().feature()).orElseThrow(() -> new ParameterException("label.feature",
        "label.feature expected one of the raw features " + raw.names() + ", got '" + params.label().feature() + "'"));
    if (lf.isVector()) {
      throw new ParameterException("label.feature", "label.feature expected a scalar feature, got vector '" + lf.name() + "'");
    }
    if (params.label().task() == Task.REGRESSION && lf.type() == FeatureType.STRING) {
      throw new ParameterException("label.task", "label.task regression expected a numeric label, got string feature '"
          + lf.name() + "'. Use task: classification.");
    }
    labelInput = new InputFeature(lf.name(), lf.type());
    rawNames = List.copyOf(raw.names());
    labelPending = params.label().task() == Task.CLASSIFICATION;
    if (params.label().classes() != null) {
      labelVocabulary = givenClasses(params.label().classes(), lf.type());
      labelPending = false;
    }
    var used = new LinkedHashMap<String, InputFeature>();
    resolved = params.resolveFeatures(raw);
    for (FeatureSpec fs : resolved.specs()) {
      var sources = new ArrayList<InputFeature>();
      for (int i = 0; i < fs.sources().size(); i++) {
        String n = fs.sources().get(i);
        String path = fs.path() + (fs.isCross() ? ".cross[" + i + "]" : ".feature");
        Feature f = raw.find(n).orElseThrow(() -> new ParameterException(path,
            "feature expected one of the raw features " + raw.names() + ", got '" + n + "'"));
        if (f.isVector()) {
          throw new ParameterException(path, "feature expected a scalar, got vector feature '" + n + "' " + f.shape());
        }
        if (n.equals(lf.name())) {
          throw new ParameterException(path, "feature expected not to be the label, got '" + n
              + "'. Using the label as an input leaks the target.");
        }
        var in = new InputFeature(n, f.type());
        used.putIfAbsent(n, in);
        sources.add(in);
      }
      boolean categorical = fs.isCross() || sources.get(0).type() == FeatureType.STRING || firstIsCategorical(fs);
      checkTypes(fs, categorical, sources.get(0));
      states.add(new PipelineState(fs, sources, categorical));
    }
    inputs = List.copyOf(used.values());
    states.forEach(GraphBuilder::checkOrder);
  }

  /** Rejects a bad op order (e.g. one_hot after zscore) before any data moves, with placeholder constants. */
  private static void checkOrder(PipelineState s) {
    var ops = new ArrayList<org.millrace.transform.graph.GraphOp>();
    for (OpSpec op : s.spec.ops()) {
      ops.add(placeholder(op, s.categorical));
    }
    try {
      new FeaturePipeline(s.spec.name(), s.spec.sources(), s.categorical, ops);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(s.spec.path() + ".ops", e.getMessage());
    }
  }

  private static org.millrace.transform.graph.GraphOp placeholder(OpSpec op, boolean categorical) {
    if (op instanceof OpSpec.FillMissing f) {
      return new org.millrace.transform.graph.GraphOp.FillMissing(f.strategy(), categorical ? null : 0.0,
          categorical ? "" : null, f.indicator());
    }
    if (op instanceof OpSpec.ZScore) {
      return new org.millrace.transform.graph.GraphOp.ZScore(0, 1);
    }
    if (op instanceof OpSpec.MinMax) {
      return new org.millrace.transform.graph.GraphOp.MinMax(0, 1);
    }
    if (op instanceof OpSpec.Bucketize) {
      return new org.millrace.transform.graph.GraphOp.Bucketize(List.of(0.0));
    }
    if (op instanceof OpSpec.Vocabulary v) {
      return new org.millrace.transform.graph.GraphOp.Vocabulary(List.of(""), v.numOovBuckets());
    }
    if (op instanceof OpSpec.Hash h) {
      return new org.millrace.transform.graph.GraphOp.Hash(h.buckets());
    }
    if (op instanceof OpSpec.Log1p) {
      return new org.millrace.transform.graph.GraphOp.Log1p();
    }
    if (op instanceof OpSpec.Clip c) {
      return new org.millrace.transform.graph.GraphOp.Clip(c.min(), c.max());
    }
    return new org.millrace.transform.graph.GraphOp.OneHot();
  }

  private static boolean firstIsCategorical(FeatureSpec fs) {
    for (OpSpec op : fs.ops()) {
      if (!(op instanceof OpSpec.FillMissing)) {
        return op instanceof OpSpec.Vocabulary || op instanceof OpSpec.Hash;
      }
    }
    return false;
  }

  private static void checkTypes(FeatureSpec fs, boolean categorical, InputFeature first) {
    for (int i = 0; i < fs.ops().size(); i++) {
      OpSpec op = fs.ops().get(i);
      boolean numericOp = op instanceof OpSpec.ZScore || op instanceof OpSpec.MinMax || op instanceof OpSpec.Log1p
          || op instanceof OpSpec.Clip || op instanceof OpSpec.Bucketize;
      String path = fs.path() + ".ops[" + i + "]";
      if (numericOp && categorical) {
        throw new ParameterException(path, "op " + op.op() + " on feature '" + fs.name() + "' expected a numeric feature, got "
            + (fs.isCross() ? "a cross" : first.type().label() + " feature '" + first.name() + "'")
            + " read as categorical. Use vocabulary or hash.");
      }
      if (op instanceof OpSpec.FillMissing f && categorical
          && ("mean".equals(f.strategy()) || "median".equals(f.strategy()))) {
        throw new ParameterException(path + ".fill_missing.strategy", "fill_missing on categorical feature '"
            + fs.name() + "' expected mode or constant, got " + f.strategy());
      }
    }
  }

  /** The feature pipelines as resolved against the raw schema, with each column's choice. */
  public FeatureResolver.Resolved features() {
    return resolved;
  }

  /** Raw features the graph reads (label excluded). */
  public List<InputFeature> inputs() {
    return inputs;
  }

  /** Phases fitted so far. */
  public int phase() {
    return phase;
  }

  /** The analysis points of the next phase (the label first in phase 0); empty when fitting is done. */
  public List<Probe> pendingProbes() {
    var probes = new ArrayList<Probe>();
    if (labelPending) {
      probes.add(new Probe(labelInput.name(), List.of(labelInput), true, List.of(), params.nanPolicy()));
    }
    var p = new ArrayList<PipelineState>();
    for (PipelineState s : states) {
      if (s.advance() != null) {
        p.add(s);
        probes.add(s.probe(params.nanPolicy()));
      }
    }
    pending = p;
    return probes;
  }

  /** Fits the ops of the current phase from one accumulator per probe (same order). */
  public void fit(List<Accumulator> accs) {
    int k = 0;
    if (labelPending) {
      labelVocabulary = labelClasses((TermCounts) accs.get(k++));
      labelPending = false;
    }
    for (PipelineState s : pending) {
      OpSpec op = s.advance();
      s.fitted.add(Fitter.fit(op, s, accs.get(k++)));
      s.next++;
    }
    if (k != accs.size()) {
      throw new IllegalStateException("BUG: " + accs.size() + " accumulators for " + k + " analysis points");
    }
    pending = List.of();
    phase++;
  }

  /** {@code label.classes} as the class names the label's values read as (an int label's 3 is "3", a float's "3.0"). */
  private static List<String> givenClasses(List<Object> classes, FeatureType type) {
    var out = new ArrayList<String>();
    for (int i = 0; i < classes.size(); i++) {
      Object c = classes.get(i);
      String text;
      if (c instanceof Number n && type == FeatureType.INT) {
        if (n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new ParameterException("label.classes[" + i + "]", "label.classes expected integers for the int label, got "
              + c);
        }
        text = Long.toString(n.longValue());
      } else if (c instanceof Number n && type == FeatureType.FLOAT) {
        text = Double.toString(n.doubleValue());
      } else {
        text = String.valueOf(c);
      }
      if (out.contains(text)) {
        throw new ParameterException("label.classes[" + i + "]", "label.classes expected distinct classes, got '" + text
            + "' twice");
      }
      out.add(text);
    }
    return out;
  }

  private List<String> labelClasses(TermCounts t) {
    if (t.count() == 0) {
      throw new IllegalArgumentException("label '" + labelInput.name() + "' expected at least one class, got none ("
          + t.missing() + " rows, all missing)");
    }
    var classes = new ArrayList<>(t.counts().keySet());
    boolean numeric = labelInput.type() != FeatureType.STRING;
    if (numeric) {
      classes.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
    } else {
      classes.sort(String::compareTo);
    }
    return classes;
  }

  /** The fitted graph; call after {@link #pendingProbes()} came back empty. */
  public Graph build() {
    var pipelines = new ArrayList<FeaturePipeline>();
    for (PipelineState s : states) {
      if (s.advance() != null) {
        throw new IllegalStateException("BUG: build before pipeline '" + s.spec.name() + "' was fitted");
      }
      try {
        pipelines.add(s.build());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(s.spec.path() + ".ops", e.getMessage());
      }
    }
    LabelSpec label = new LabelSpec(labelInput.name(), params.label().task(), labelInput.type(),
        labelVocabulary == null ? List.of() : labelVocabulary);
    var read = new java.util.HashSet<String>();
    inputs.forEach(i -> read.add(i.name()));
    read.add(labelInput.name());
    List<String> ignored = rawNames.stream().filter(n -> !read.contains(n)).toList();
    return new Graph(inputs, ignored, pipelines, label, params.nanPolicy());
  }
}
