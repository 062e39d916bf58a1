package org.millrace.api.beam;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Merges the partial accumulators of a combine (each made from a group of part files by
 * {@link ReadCombineFn}) and extracts the result, so that only accumulators, never input batches,
 * reach the runner's grouping.
 */
final class MergeAccumulatorsFn<AccT, OutT> extends Combine.CombineFn<AccT, AccT, OutT> {
  private final Combine.CombineFn<?, AccT, OutT> fn;
  private final Coder<AccT> accCoder;
  private final Coder<OutT> outCoder;

  MergeAccumulatorsFn(Combine.CombineFn<?, AccT, OutT> fn, Coder<AccT> accCoder, Coder<OutT> outCoder) {
    this.fn = fn;
    this.accCoder = accCoder;
    this.outCoder = outCoder;
  }

  @Override
  public Coder<OutT> getDefaultOutputCoder(CoderRegistry registry, Coder<AccT> inputCoder) {
    return outCoder;
  }

  @Override
  public AccT createAccumulator() {
    return fn.createAccumulator();
  }

  @Override
  public AccT addInput(AccT acc, AccT partial) {
    return fn.mergeAccumulators(List.of(acc, partial));
  }

  @Override
  public AccT mergeAccumulators(Iterable<AccT> accs) {
    return fn.mergeAccumulators(accs);
  }

  @Override
  public OutT extractOutput(AccT acc) {
    return fn.extractOutput(acc);
  }

  @Override
  public Coder<AccT> getAccumulatorCoder(CoderRegistry registry, Coder<AccT> inputCoder) {
    return accCoder;
  }
}
