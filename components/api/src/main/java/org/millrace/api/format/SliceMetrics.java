package org.millrace.api.format;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Metric values of one slice of {@code evaluation.json} ({@link EvaluationResult}) plus plot data;
 * the Evaluator computes them.
 *
 * @param metrics metric name to value (NaN where undefined, written as the string {@code "NaN"})
 * @param roc ROC curve points {@code [fpr, tpr]} (binary only, else empty)
 * @param pr precision-recall points {@code [recall, precision]} (binary only, else empty)
 * @param calibration calibration bins {@code [mean prediction, mean label, weight]} (binary only)
 * @param confusion weighted confusion matrix, rows = label, columns = prediction (classification)
 */
public record SliceMetrics(Map<String, Double> metrics, List<double[]> roc, List<double[]> pr,
    List<double[]> calibration, List<double[]> confusion) {

  public SliceMetrics {
    metrics = Map.copyOf(metrics);
    roc = List.copyOf(roc);
    pr = List.copyOf(pr);
    calibration = List.copyOf(calibration);
    confusion = List.copyOf(confusion);
  }

  /** Equal metrics and equal points (the arrays compared by value, not by identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof SliceMetrics s && metrics.equals(s.metrics) && samePoints(roc, s.roc) && samePoints(pr, s.pr)
        && samePoints(calibration, s.calibration) && samePoints(confusion, s.confusion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metrics, Arrays.deepHashCode(roc.toArray()), Arrays.deepHashCode(pr.toArray()),
        Arrays.deepHashCode(calibration.toArray()), Arrays.deepHashCode(confusion.toArray()));
  }

  @Override
  public String toString() {
    return "SliceMetrics[metrics=" + metrics + ", roc=" + Arrays.deepToString(roc.toArray()) + ", pr="
        + Arrays.deepToString(pr.toArray()) + ", calibration=" + Arrays.deepToString(calibration.toArray())
        + ", confusion=" + Arrays.deepToString(confusion.toArray()) + "]";
  }

  private static boolean samePoints(List<double[]> a, List<double[]> b) {
    return Arrays.deepEquals(a.toArray(), b.toArray());
  }
}
