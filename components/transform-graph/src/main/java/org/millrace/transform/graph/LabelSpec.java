package org.millrace.transform.graph;

import java.util.List;
import org.millrace.api.data.FeatureType;
import org.millrace.api.model.Task;

/**
 * How the label column is encoded: class index into {@code vocabulary} (sorted by frequency
 * descending, then value) for classification, the value itself for regression.
 *
 * @param feature raw label feature name
 * @param task classification or regression
 * @param type raw type of the label feature (fixes how a number is read as a class name)
 * @param vocabulary class names in index order (empty for regression)
 */
public record LabelSpec(String feature, Task task, FeatureType type, List<String> vocabulary) {
  public LabelSpec {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("label feature expected a name, got '" + feature + "'");
    }
    if (task == null) {
      throw new IllegalArgumentException("label '" + feature + "' expected a task (classification or regression), got none");
    }
    if (type == null) {
      throw new IllegalArgumentException("label '" + feature + "' expected a raw type, got none");
    }
    vocabulary = vocabulary == null ? List.of() : List.copyOf(vocabulary);
    if (task == Task.CLASSIFICATION && vocabulary.isEmpty()) {
      throw new IllegalArgumentException("label '" + feature
          + "' expected a non-empty class vocabulary, got none. Is the label column all missing?");
    }
  }
}
