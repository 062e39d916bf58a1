package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

class ExamplesBeamIOTest {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("id", FeatureType.INT, false),
      Feature.of("name", FeatureType.STRING, true));

  static List<Batch> batches(int count, int rows) {
    var out = new ArrayList<Batch>();
    for (int b = 0; b < count; b++) {
      var builder = new BatchBuilder(SCHEMA, rows);
      for (int r = 0; r < rows; r++) {
        builder.addRow((long) (b * rows + r), r % 3 == 0 ? null : "n" + r);
      }
      out.add(builder.build());
    }
    return out;
  }

  static List<Long> ids(Path split) {
    Batch all = ExamplesIO.readAll(split);
    var ids = new ArrayList<Long>();
    for (int i = 0; i < all.rowCount(); i++) {
      ids.add((Long) all.column(0).get(i));
    }
    ids.sort(null);
    return ids;
  }

  long write(Path split, int shards, List<String> args) {
    Pipeline p = Pipeline.create(BeamPipelines.options(args));
    PCollection<Long> rows = p.apply(Create.of(batches(40, 25)).withCoder(BatchCoder.of()))
        .apply(ExamplesBeamIO.write(split, SCHEMA, shards));
    PAssert.thatSingleton(rows).isEqualTo(1000L);
    BeamPipelines.run(p);
    return 1000L;
  }

  @Test
  void partsAreDealtIntoAtMostOneGroupPerWorker() {
    var files = java.util.stream.IntStream.range(0, 7).mapToObj(i -> "p" + i).toList();
    org.junit.jupiter.api.Assertions.assertEquals(List.of(List.of("p0", "p3", "p6"), List.of("p1", "p4"),
        List.of("p2", "p5")), ExamplesBeamIO.groups(files, 3));
    org.junit.jupiter.api.Assertions.assertEquals(List.of(List.of("p0"), List.of("p1")),
        ExamplesBeamIO.groups(List.of("p0", "p1"), 8));
    org.junit.jupiter.api.Assertions.assertEquals(List.of(), ExamplesBeamIO.groups(List.of(), 4));
  }

  @Test
  void everyRowLandsInExactlyOnePartAndLeftoversAreRemoved(@TempDir Path dir) throws Exception {
    Path split = dir.resolve("Split-train");
    Files.createDirectories(split);
    ExamplesIO.write(split, SCHEMA, 17, batches(1, 5)); // a part of an earlier write
    write(split, ExamplesBeamIO.AUTO_SHARDS, List.of());
    var expected = new ArrayList<Long>();
    for (long i = 0; i < 1000; i++) {
      expected.add(i);
    }
    assertEquals(expected, ids(split));
    List<Path> parts = ExamplesIO.parts(split);
    for (int i = 0; i < parts.size(); i++) {
      assertEquals(split.resolve(ExamplesIO.partFileName(i)), parts.get(i), "parts are numbered from 0 without gaps");
    }
    try (var s = Files.list(split)) {
      assertFalse(s.anyMatch(f -> f.getFileName().toString().startsWith(".temp")), "temporary directory removed");
    }
  }

  @Test
  void aFixedShardCountGivesExactlyThatManyParts(@TempDir Path dir) {
    Path direct = dir.resolve("direct");
    write(direct, 3, List.of());
    assertEquals(3, ExamplesIO.parts(direct).size());
    assertEquals(1000, ids(direct).size());
    assertEquals(ids(direct), java.util.stream.LongStream.range(0, 1000).boxed().toList());
  }
}
