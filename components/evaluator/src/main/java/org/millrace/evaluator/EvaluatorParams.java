package org.millrace.evaluator;

import java.util.List;
import org.millrace.api.spec.ParameterException;

/**
 * Evaluator parameters.
 *
 * @param split the examples split to evaluate (default {@code eval})
 * @param slices slicing specs: {@code [[], [island], [island, sex]]}; {@code []} is overall (default)
 * @param minSliceSize slices with fewer examples are reported as suppressed (default 1)
 * @param weightColumn optional numeric column of example weights
 * @param thresholds validation rules; none is rejected unless {@code always_bless}
 * @param firstRun what change thresholds do without a baseline (default bless_if_no_baseline)
 * @param alwaysBless bless without thresholds (explicit opt-in)
 * @param aucBuckets histogram resolution for AUC (default 10000)
 * @param maxSlices the most distinct values one slicing spec may have (default 1000, at most 100000): each
 *     slice holds a full metric accumulator, so a high-cardinality column (an id) would exhaust the heap
 * @param sliceOverflow past {@code maxSlices}: {@code fail} before any model runs (default), or
 *     {@code top_n}: keep the {@code maxSlices} most frequent values, the rest in one {@code <spec>=<other>} slice
 */
public record EvaluatorParams(String split, List<List<String>> slices, Integer minSliceSize, String weightColumn,
    List<MetricThreshold> thresholds, FirstRunPolicy firstRun, Boolean alwaysBless, Integer aucBuckets,
    Integer maxSlices, SliceOverflow sliceOverflow) {

  public EvaluatorParams {
    split = split == null ? "eval" : split;
    slices = slices == null || slices.isEmpty() ? List.of(List.of()) : slices.stream().map(List::copyOf).toList();
    if (slices.stream().distinct().count() != slices.size()) {
      throw new ParameterException("slices", "slices expected distinct specs, got " + slices);
    }
    minSliceSize = minSliceSize == null ? 1 : minSliceSize;
    if (minSliceSize < 1) {
      throw new ParameterException("min_slice_size", "min_slice_size expected >= 1, got " + minSliceSize);
    }
    thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
    firstRun = firstRun == null ? FirstRunPolicy.BLESS_IF_NO_BASELINE : firstRun;
    alwaysBless = alwaysBless != null && alwaysBless;
    aucBuckets = aucBuckets == null ? 10_000 : aucBuckets;
    if (aucBuckets < 10 || aucBuckets > 1_000_000) {
      throw new ParameterException("auc_buckets", "auc_buckets expected 10..1000000, got " + aucBuckets);
    }
    maxSlices = maxSlices == null ? 1000 : maxSlices;
    if (maxSlices < 1 || maxSlices > 100_000) {
      throw new ParameterException("max_slices", "max_slices expected a number in [1, 100000], got " + maxSlices);
    }
    sliceOverflow = sliceOverflow == null ? SliceOverflow.FAIL : sliceOverflow;
    if (thresholds.isEmpty() && !alwaysBless) {
      throw new ParameterException("thresholds", "thresholds expected at least one metric threshold, got none. "
          + "Without thresholds no model could be validated; add thresholds or set always_bless: true");
    }
    if (!thresholds.isEmpty() && alwaysBless) {
      throw new ParameterException("always_bless",
          "always_bless expected only without thresholds, got " + thresholds.size() + " thresholds. Remove one of them");
    }
  }
}
