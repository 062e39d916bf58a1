package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.ExamplesIO;

/** ExamplesBeamIO's named transforms, each on a TestPipeline with PAssert. */
class NamedTransformsTest {
  private static final List<Long> IDS = LongStream.range(0, 1000).boxed().toList();

  /** A fresh test pipeline run outside a JUnit 4 rule. */
  private static TestPipeline pipeline() {
    return TestPipeline.create().enableAbandonedNodeEnforcement(false);
  }

  /** Writes ids 0..999 in 40 batches into {@code shards} part files of {@code split}. */
  private static void writeSplit(Path split, int shards) {
    TestPipeline p = pipeline();
    PCollection<Long> rows = p.apply("Batches", Create.of(ExamplesBeamIOTest.batches(40, 25)).withCoder(BatchCoder.of()))
        .apply("Write", ExamplesBeamIO.write().to(split).withSchema(ExamplesBeamIOTest.SCHEMA).withShards(shards));
    PAssert.thatSingleton(rows).isEqualTo(1000L);
    p.run().waitUntilFinish();
  }

  @Test
  void writeMakesExactlyTheShardsAskedForAndReadGivesEveryRowBack(@TempDir Path dir) {
    Path split = dir.resolve("Split-train");
    writeSplit(split, 3);
    assertEquals(3, ExamplesIO.parts(split).size());
    assertEquals(IDS, ExamplesBeamIOTest.ids(split));

    TestPipeline p = pipeline();
    PCollection<Long> ids = p.apply("Read", ExamplesBeamIO.read().from(split)).apply("Ids", ParDo.of(new IdsFn()));
    PAssert.that(ids).containsInAnyOrder(IDS);
    p.run().waitUntilFinish();
  }

  @Test
  void combineReadsEveryPartIntoAtMostTheGroupsAskedFor(@TempDir Path dir) {
    Path split = dir.resolve("Split-train");
    writeSplit(split, 5);
    TestPipeline p = pipeline();
    PCollection<List<Long>> two = p.apply("Two", ExamplesBeamIO.combine(new GroupsAndSumFn()).from(split).withGroups(2));
    PCollection<List<Long>> one = p.apply("One", ExamplesBeamIO.combine(new GroupsAndSumFn()).from(split).withGroups(1));
    long sum = IDS.stream().mapToLong(Long::longValue).sum();
    PAssert.thatSingleton(two).isEqualTo(List.of(2L, sum));
    PAssert.thatSingleton(one).isEqualTo(List.of(1L, sum));
    p.run().waitUntilFinish();
  }

  @Test
  void unconfiguredOrBadOptionsAreNamed() {
    var e = assertThrows(IllegalStateException.class,
        () -> pipeline().apply(ExamplesBeamIO.read()));
    assertTrue(e.getMessage().contains("ExamplesBeamIO.read() expected from(splitDir)"), e.getMessage());
    var w = assertThrows(IllegalArgumentException.class, () -> ExamplesBeamIO.write().withShards(-1));
    assertEquals("shards expected a positive number (or 0 for automatic), got -1", w.getMessage());
    var g = assertThrows(IllegalArgumentException.class, () -> ExamplesBeamIO.combine(new GroupsAndSumFn()).withGroups(0));
    assertEquals("groups expected a positive number, got 0", g.getMessage());
  }

  /** The id of every row. */
  static final class IdsFn extends DoFn<Batch, Long> {
    @ProcessElement
    public void process(@Element Batch b, OutputReceiver<Long> out) {
      for (int r = 0; r < b.rowCount(); r++) {
        out.output((Long) b.column(0).get(r));
      }
    }
  }

  /**
   * [number of accumulators that saw rows, sum of ids]: each group of part files is read into one
   * accumulator, so the first number is the number of groups.
   */
  static final class GroupsAndSumFn extends Combine.CombineFn<Batch, List<Long>, List<Long>> {
    @Override
    public List<Long> createAccumulator() {
      return new ArrayList<>(List.of(0L, 0L));
    }

    @Override
    public List<Long> addInput(List<Long> acc, Batch b) {
      acc.set(0, 1L);
      for (int r = 0; r < b.rowCount(); r++) {
        acc.set(1, acc.get(1) + (Long) b.column(0).get(r));
      }
      return acc;
    }

    @Override
    public List<Long> mergeAccumulators(Iterable<List<Long>> accs) {
      List<Long> out = createAccumulator();
      for (List<Long> a : accs) {
        out.set(0, out.get(0) + a.get(0));
        out.set(1, out.get(1) + a.get(1));
      }
      return out;
    }

    @Override
    public List<Long> extractOutput(List<Long> acc) {
      return acc;
    }

    @Override
    public Coder<List<Long>> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> input) {
      return ListCoder.of(VarLongCoder.of());
    }

    @Override
    public Coder<List<Long>> getDefaultOutputCoder(CoderRegistry registry, Coder<Batch> input) {
      return ListCoder.of(VarLongCoder.of());
    }
  }
}
