package org.millrace.transform.graph;

import java.util.List;
import org.millrace.api.data.FeatureType;

/**
 * How the label column is encoded: class index into {@code vocabulary} (sorted by frequency
 * descending, then value) for classification, the value itself for regression.
 *
 * @param feature raw label feature name
 * @param task "classification" or "regression"
 * @param type raw type of the label feature (fixes how a number is read as a class name)
 * @param vocabulary class names in index order (empty for regression)
 */
public record LabelSpec(String feature, String task, FeatureType type, List<String> vocabulary) {
  public static final String CLASSIFICATION = "classification";
  public static final String REGRESSION = "regression";

  public LabelSpec {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("label feature expected a name, got '" + feature + "'");
    }
    if (!CLASSIFICATION.equals(task) && !REGRESSION.equals(task)) {
      throw new IllegalArgumentException(
          "label task expected classification or regression, got '" + task + "' for label '" + feature + "'");
    }
    if (type == null) {
      throw new IllegalArgumentException("label '" + feature + "' expected a raw type, got none");
    }
    vocabulary = vocabulary == null ? List.of() : List.copyOf(vocabulary);
    if (CLASSIFICATION.equals(task) && vocabulary.isEmpty()) {
      throw new IllegalArgumentException("label '" + feature
          + "' expected a non-empty class vocabulary, got none. Is the label column all missing?");
    }
  }
}
