package org.millrace.evaluator;

import java.util.Map;
import org.millrace.api.spec.ParameterException;

/**
 * One validation rule on a metric.
 *
 * <p>Value thresholds: {@code lower <= value <= upper}. Change thresholds compare with the
 * baseline: improvement = {@code candidate - baseline} when {@code higher_is_better}, else
 * {@code baseline - candidate}; the check passes when improvement {@code >= change_absolute}
 * and improvement / |baseline| {@code >= change_relative} (negative values allow that much
 * degradation, e.g. {@code change_absolute: -0.01}).
 *
 * @param metric metric name, e.g. {@code accuracy}
 * @param slice feature values of the slice ({@code {island: Biscoe}}); empty = overall
 * @param allSlices apply to every reported slice instead of one
 */
public record MetricThreshold(String metric, Map<String, String> slice, Boolean allSlices, Double lower,
    Double upper, Double changeAbsolute, Double changeRelative, Boolean higherIsBetter) {

  public MetricThreshold {
    if (metric == null || metric.isBlank()) {
      throw new ParameterException("metric", "threshold metric expected a metric name, got " + metric);
    }
    if (!org.millrace.evaluator.metrics.MetricsCalculator.NAMES.contains(metric)) {
      throw new ParameterException("metric", "threshold metric expected one of "
          + org.millrace.evaluator.metrics.MetricsCalculator.NAMES + ", got '" + metric + "'");
    }
    slice = slice == null ? Map.of() : Map.copyOf(slice);
    allSlices = allSlices != null && allSlices;
    higherIsBetter = higherIsBetter == null || higherIsBetter;
    if (lower == null && upper == null && changeAbsolute == null && changeRelative == null) {
      throw new ParameterException("metric", "threshold on '" + metric
          + "' expected at least one of lower, upper, change_absolute, change_relative, got none");
    }
    if (lower != null && upper != null && lower > upper) {
      throw new ParameterException("lower", String.format(
          "threshold on '%s' expected lower <= upper, got %s > %s", metric, lower, upper));
    }
    if (allSlices && !slice.isEmpty()) {
      throw new ParameterException("all_slices", "threshold on '" + metric
          + "' expected either slice or all_slices, got both");
    }
  }

  /** Whether this rule compares with a baseline. */
  public boolean isChange() {
    return changeAbsolute != null || changeRelative != null;
  }

  /** Whether this rule bounds the value. */
  public boolean isValue() {
    return lower != null || upper != null;
  }
}
