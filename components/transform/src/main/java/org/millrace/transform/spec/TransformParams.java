package org.millrace.transform.spec;

import java.util.List;
import org.millrace.api.data.DataSchema;
import org.millrace.api.model.Task;
import org.millrace.api.spec.ParameterException;

/**
 * Parameters of the Transform component.
 *
 * <pre>
 * label: {feature: species, task: classification}
 * features:
 *   - {feature: bill_length_mm, ops: [{fill_missing: mean, indicator: true}, {zscore: {}}]}
 *   - {feature: island, ops: [{vocabulary: {top_k: 10, num_oov_buckets: 1}}, {one_hot: {}}]}
 *   - {cross: [island, sex], ops: [{hash: {buckets: 16}}, {one_hot: {}}]}
 *   - {columns: "pixel*", ops: [{min_max: {}}]}    # one op list for every column the pattern matches
 * features: auto                 # or: every column but the label, ops by type (see FeatureResolver)
 * analyze_splits: [train]        # default [train]
 * nan_policy: error              # or missing: NaN/Infinity in numeric input count as missing
 * analyzer_cache_dir: /path      # optional: reuse per-span analyzer results
 * shards: 1                      # part files per transformed split
 * </pre>
 *
 * @param label the target column and task
 * @param features {@code auto}, a map {@code {auto: true, exclude, overrides, ...}} or a list of per-feature,
 *     crossed or grouped op lists, parsed once when the parameters bind: {@link Features}, see
 *     {@link FeatureResolver} and {@link SpecParser}
 * @param analyzeSplits splits the analyzers read
 * @param nanPolicy "error" or "missing"
 * @param analyzerCacheDir directory for per-span analyzer state, or null for no cache
 * @param shards part files per transformed split
 */
public record TransformParams(Label label, Features features, List<String> analyzeSplits,
    String nanPolicy, String analyzerCacheDir, Integer shards) {

  /**
   * The label: {@code task} classification (class index) or regression (value kept). {@code classes}
   * (classification only, optional) names every class in index order instead of fitting them on the
   * analyze splits, so that a class too rare to land in the train split is still a class; a value
   * outside them fails the Transform naming it and its split.
   */
  public record Label(String feature, Task task, List<Object> classes) {
    public Label(String feature, Task task) {
      this(feature, task, null);
    }

    /** A label whose task is spelled {@code classification} or {@code regression} (as in the DSL's maps). */
    public Label(String feature, String task) {
      this(feature, task == null ? null : Task.parse(task, "label.task"), null);
    }

    public Label {
      if (feature == null || feature.isBlank()) {
        throw new ParameterException("label.feature", "label.feature expected a feature name, got " + feature);
      }
      task = task == null ? Task.CLASSIFICATION : task;
      if (classes != null) {
        if (task != Task.CLASSIFICATION) {
          throw new ParameterException("label.classes", "label.classes expected only with task classification, got task "
              + task.spelling());
        }
        if (classes.isEmpty()) {
          throw new ParameterException("label.classes", "label.classes expected at least one class, got []");
        }
        for (int i = 0; i < classes.size(); i++) {
          Object c = classes.get(i);
          if (!(c instanceof String) && !(c instanceof Number) && !(c instanceof Boolean)) {
            throw new ParameterException("label.classes[" + i + "]", "label.classes expected strings or numbers, got "
                + c);
          }
        }
        classes = List.copyOf(classes);
      }
    }
  }

  public TransformParams {
    if (label == null) {
      throw new ParameterException("label", "label expected {feature: <name>, task: classification|regression}, got none");
    }
    if (features == null) {
      Features.parse(null); // throws: features expected auto, a list ... got none
    }
    analyzeSplits = analyzeSplits == null ? List.of("train") : List.copyOf(analyzeSplits);
    if (analyzeSplits.isEmpty()) {
      throw new ParameterException("analyze_splits", "analyze_splits expected at least one split, got []");
    }
    nanPolicy = nanPolicy == null ? "error" : nanPolicy;
    if (!nanPolicy.equals("error") && !nanPolicy.equals("missing")) {
      throw new ParameterException("nan_policy", "nan_policy expected error or missing, got '" + nanPolicy + "'");
    }
    shards = shards == null ? 1 : shards;
    if (shards < 1) {
      throw new ParameterException("shards", "shards expected >= 1, got " + shards);
    }
  }

  /**
   * The feature entries of a list without {@code columns} groups; {@code features: auto} and
   * groups need the schema: {@link #resolveFeatures}.
   */
  public List<FeatureSpec> featureSpecs() {
    if (features.needsSchema()) {
      throw new IllegalStateException("features " + features.written() + " need the raw schema: use resolveFeatures");
    }
    return features.listed();
  }

  /** The feature pipelines for the raw schema, and why each column got what it got. */
  public FeatureResolver.Resolved resolveFeatures(DataSchema raw) {
    return FeatureResolver.resolve(features, raw, label.feature());
  }
}
