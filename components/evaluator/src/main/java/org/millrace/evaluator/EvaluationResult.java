package org.millrace.evaluator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.evaluator.metrics.SliceMetrics;

/**
 * What {@code evaluation.json} holds.
 *
 * @param slices candidate metrics per reported slice
 * @param baselineSlices baseline metrics per reported slice (empty without a baseline)
 * @param suppressed example counts of slices below {@code min_slice_size}
 */
public record EvaluationResult(String model, String baselineModel, String split, int minSliceSize,
    Map<String, SliceMetrics> slices, Map<String, SliceMetrics> baselineSlices, Map<String, Long> suppressed) {

  public EvaluationResult {
    // sorted so evaluation.json and the report list slices in a stable order
    slices = Collections.unmodifiableMap(new TreeMap<>(slices));
    baselineSlices = Collections.unmodifiableMap(new TreeMap<>(baselineSlices));
    suppressed = Collections.unmodifiableMap(new TreeMap<>(suppressed));
  }
}
