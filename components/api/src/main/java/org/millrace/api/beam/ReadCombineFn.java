package org.millrace.api.beam;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.millrace.api.data.ArrowConversion;
import org.millrace.api.data.DataSchema;

/**
 * Adds every record batch of one Arrow part file to one accumulator of a combine and outputs the
 * accumulator: reading and the first combining step in one DoFn, so no batch waits in memory
 * between steps (the DirectRunner keeps whole bundles between steps). One accumulator per part
 * file, as accumulators (value counts, sketches) are larger than a batch; runner checkpoints in
 * mid-call are refused because the accumulator is output when the file is done.
 */
@DoFn.BoundedPerElement
final class ReadCombineFn<AccT> extends DoFn<String, AccT> {
  private final Combine.CombineFn<org.millrace.api.data.Batch, AccT, ?> fn;

  ReadCombineFn(Combine.CombineFn<org.millrace.api.data.Batch, AccT, ?> fn) {
    this.fn = fn;
  }

  @GetInitialRestriction
  public OffsetRange initial(@Element String file) {
    return new ReadPartFn().initial(file);
  }

  @NewTracker
  public OffsetRangeTracker tracker(@Restriction OffsetRange r) {
    return new OffsetRangeTracker(r) {
      @Override
      public SplitResult<OffsetRange> trySplit(double fractionOfRemainder) {
        return null;
      }
    };
  }

  @GetRestrictionCoder
  public Coder<OffsetRange> restrictionCoder() {
    return OffsetRangeCoder.of();
  }

  @ProcessElement
  public void process(@Element String file, RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<AccT> out)
      throws IOException {
    OffsetRange range = tracker.currentRestriction();
    AccT acc = fn.createAccumulator();
    try (var alloc = new RootAllocator();
        var ch = FileChannel.open(Path.of(file), StandardOpenOption.READ);
        var reader = new ArrowFileReader(ch, alloc)) {
      var root = reader.getVectorSchemaRoot();
      DataSchema schema = ArrowConversion.fromArrow(root.getSchema());
      var blocks = reader.getRecordBlocks();
      for (long i = range.getFrom(); i < range.getTo(); i++) {
        if (!tracker.tryClaim(i)) {
          throw new IllegalStateException("BUG: batch " + i + " of " + file + " could not be claimed in " + range);
        }
        reader.loadRecordBatch(blocks.get((int) i));
        acc = fn.addInput(acc, ArrowConversion.toBatch(root, schema));
      }
    }
    out.output(acc);
  }
}
