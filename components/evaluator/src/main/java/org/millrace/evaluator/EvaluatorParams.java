package org.millrace.evaluator;

import java.util.List;
import java.util.Map;
import org.millrace.api.spec.ParameterException;

/**
 * Evaluator parameters.
 *
 * <pre>
 * split: eval
 * slices: [[], [island], [island, sex]]     # [] is overall
 * min_slice_size: 10
 * thresholds: {accuracy: {lower: 0.9}, log_loss: {upper: 0.4}}
 * change_thresholds: {accuracy: {higher_is_better: true, absolute: -0.01}}
 * first_run: bless_if_no_baseline            # or require_baseline
 * always_bless: false
 * </pre>
 */
public record EvaluatorParams(String split, List<List<String>> slices, Integer minSliceSize,
    Map<String, ValueThreshold> thresholds, Map<String, ChangeThreshold> changeThresholds, FirstRun firstRun,
    Boolean alwaysBless) {

  /** What happens when there is no baseline model yet. */
  public enum FirstRun { BLESS_IF_NO_BASELINE, REQUIRE_BASELINE }

  /** The metric must lie in [lower, upper] (either may be absent). */
  public record ValueThreshold(Double lower, Double upper) {
    public ValueThreshold {
      if (lower == null && upper == null) {
        throw new ParameterException("thresholds", "a value threshold expected lower and/or upper, got neither");
      }
    }
  }

  /**
   * The candidate's metric compared with the baseline's: with {@code higher_is_better}, candidate -
   * baseline must be at least {@code absolute} and candidate / baseline - 1 at least {@code relative}
   * (negative values allow a small regression); otherwise the differences must be at most those.
   */
  public record ChangeThreshold(Boolean higherIsBetter, Double absolute, Double relative) {
    public ChangeThreshold {
      if (higherIsBetter == null) {
        throw new ParameterException("change_thresholds", "a change threshold expected higher_is_better: true or false, got nothing");
      }
      if (absolute == null && relative == null) {
        throw new ParameterException("change_thresholds", "a change threshold expected absolute and/or relative, got neither");
      }
    }
  }

  public EvaluatorParams {
    split = split == null ? "eval" : split;
    slices = slices == null ? List.of(List.of()) : slices.stream().map(List::copyOf).toList();
    minSliceSize = minSliceSize == null ? 1 : minSliceSize;
    if (minSliceSize < 1) {
      throw new ParameterException("min_slice_size", "min_slice_size expected a positive integer, got " + minSliceSize);
    }
    thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
    changeThresholds = changeThresholds == null ? Map.of() : Map.copyOf(changeThresholds);
    firstRun = firstRun == null ? FirstRun.BLESS_IF_NO_BASELINE : firstRun;
    alwaysBless = alwaysBless != null && alwaysBless;
    if (thresholds.isEmpty() && changeThresholds.isEmpty() && !alwaysBless) {
      throw new ParameterException("thresholds", "thresholds expected at least one value or change threshold, got"
          + " none. A model is blessed only by passing checks; set always_bless: true to bless every model.");
    }
  }
}
