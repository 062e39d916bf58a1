package org.millrace.evaluator.metrics;

import java.util.List;
import java.util.Map;

/**
 * Metric values of one slice plus plot data.
 *
 * @param metrics metric name to value (see {@link MetricsCalculator} for the names)
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
}
