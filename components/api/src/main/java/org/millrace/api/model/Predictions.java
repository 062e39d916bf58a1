package org.millrace.api.model;

import java.util.List;

/**
 * Per-row model output for one batch.
 *
 * @param classes class names for classification (index = class id), empty for regression
 * @param scores row-major scores: {@code classes.size()} probabilities per row for
 *     classification, one predicted value per row for regression
 * @param labels the label per row: class index for classification, value for regression;
 *     {@code NaN} when the row has no label (the row is skipped)
 */
public record Predictions(List<String> classes, double[] scores, double[] labels) {

  public Predictions {
    classes = List.copyOf(classes);
    int width = Math.max(1, classes.size());
    if (classes.size() == 1) {
      throw new IllegalArgumentException(
          "predictions expected 0 classes (regression) or at least 2, got 1: " + classes);
    }
    if (scores.length != labels.length * width) {
      throw new IllegalArgumentException(String.format(
          "predictions expected %d scores (%d rows x %d), got %d",
          labels.length * width, labels.length, width, scores.length));
    }
  }

  /** Regression output. */
  public static Predictions regression(double[] values, double[] labels) {
    return new Predictions(List.of(), values, labels);
  }

  /** Whether this is classification output. */
  public boolean isClassification() {
    return !classes.isEmpty();
  }

  /** Scores per row (number of classes, or 1). */
  public int width() {
    return Math.max(1, classes.size());
  }

  /** Number of rows. */
  public int rowCount() {
    return labels.length;
  }
}
