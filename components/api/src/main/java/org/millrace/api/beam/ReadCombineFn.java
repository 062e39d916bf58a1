package org.millrace.api.beam;

import java.util.List;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.millrace.api.data.Batch;
import org.millrace.api.data.ExamplesIO;

/**
 * Adds every record batch of a group of Arrow part files, one file after another, to one
 * accumulator of a combine and outputs the accumulator: reading and the first combining step in one
 * DoFn, so no batch waits in memory between steps (the DirectRunner keeps whole bundles between
 * steps). Accumulators (value counts, sketches) are larger than a batch, so the number of groups,
 * not of part files, bounds how many are alive at once.
 */
final class ReadCombineFn<AccT> extends DoFn<List<String>, AccT> {
  private final Combine.CombineFn<Batch, AccT, ?> fn;

  ReadCombineFn(Combine.CombineFn<Batch, AccT, ?> fn) {
    this.fn = fn;
  }

  @ProcessElement
  public void process(@Element List<String> files, OutputReceiver<AccT> out) {
    @SuppressWarnings("unchecked")
    AccT[] acc = (AccT[]) new Object[] {fn.createAccumulator()};
    for (String file : files) {
      ExamplesIO.forEachBatch(java.nio.file.Path.of(file), b -> acc[0] = fn.addInput(acc[0], b));
    }
    out.output(acc[0]);
  }
}
