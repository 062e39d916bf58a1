package org.millrace.api.beam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.millrace.api.data.ArrowConversion;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;

/**
 * Reads the record batches of one Arrow IPC part file, splittable over the batches' indices.
 * After about {@link #BYTES_PER_CALL} of record batches it checkpoints, so that a runner which
 * keeps a bundle's output in memory until the bundle ends (the DirectRunner) holds only that much.
 */
@DoFn.BoundedPerElement
final class ReadPartFn extends DoFn<String, Batch> {
  static final long BYTES_PER_CALL = 4L << 20;

  @GetInitialRestriction
  public OffsetRange initial(@Element String file) {
    try (var alloc = new RootAllocator();
        var ch = FileChannel.open(Path.of(file), StandardOpenOption.READ);
        var reader = new ArrowFileReader(ch, alloc)) {
      return new OffsetRange(0, reader.getRecordBlocks().size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Arrow file " + file + " (expected Arrow IPC file format)", e);
    } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
      throw new IllegalArgumentException(
          "Arrow file " + file + " expected Arrow IPC file format, got " + e.getMessage(), e);
    }
  }

  @NewTracker
  public OffsetRangeTracker tracker(@Restriction OffsetRange r) {
    return new OffsetRangeTracker(r);
  }

  @GetRestrictionCoder
  public Coder<OffsetRange> restrictionCoder() {
    return OffsetRangeCoder.of();
  }

  @ProcessElement
  public ProcessContinuation process(@Element String file, RestrictionTracker<OffsetRange, Long> tracker,
      OutputReceiver<Batch> out) throws IOException {
    long from = tracker.currentRestriction().getFrom();
    try (var alloc = new RootAllocator();
        var ch = FileChannel.open(Path.of(file), StandardOpenOption.READ);
        var reader = new ArrowFileReader(ch, alloc)) {
      var root = reader.getVectorSchemaRoot();
      DataSchema schema = ArrowConversion.fromArrow(root.getSchema());
      var blocks = reader.getRecordBlocks();
      long bytes = 0;
      for (long i = from; tracker.tryClaim(i); i++) {
        ArrowBlock block = blocks.get((int) i);
        reader.loadRecordBatch(block);
        out.output(ArrowConversion.toBatch(root, schema));
        bytes += block.getBodyLength();
        if (bytes >= BYTES_PER_CALL && i + 1 < tracker.currentRestriction().getTo()) {
          return ProcessContinuation.resume();
        }
      }
      return ProcessContinuation.stop();
    }
  }
}
