package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.ExamplesIO;

/**
 * ExampleGen's part files are cut and named the same way in every run, whatever the runner's
 * bundles: without {@code shards} one part per range of input in input order, with {@code shards}
 * exactly that many parts holding every row.
 */
class PartFilesTest {
  @TempDir
  Path dir;

  /**
   * Eight files whose batches look alike to a key of size, first and last row (only the middle row
   * differs), so nothing in their content orders them.
   */
  private Path lookalikeFiles() throws Exception {
    return files(false);
  }

  /** Eight files of three rows; {@code distinct}: first and last rows differ from file to file too. */
  private Path files(boolean distinct) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in-" + distinct));
    for (int f = 0; f < 8; f++) {
      String tag = distinct ? "-" + f : "";
      Files.writeString(in.resolve("f" + f + ".csv"), "k,v\nfirst" + tag + ",0\nmiddle-" + f + "," + f + "\n"
          + "last" + tag + ",9\n");
    }
    return in;
  }

  private Path run(Path input, String name, Map<String, Object> extra) throws Exception {
    var params = new java.util.HashMap<String, Object>(Map.of("input", input + "/*.csv",
        "split_ratios", Map.of("train", 1), "batch_size", 100));
    params.putAll(extra);
    Path out = dir.resolve(name);
    ExampleGenRuns.execute(dir, params, out, List.of());
    return out.resolve("Split-train");
  }

  private static List<byte[]> bytes(Path split) throws Exception {
    var out = new ArrayList<byte[]>();
    for (Path part : ExamplesIO.parts(split)) {
      out.add(Files.readAllBytes(part));
    }
    return out;
  }

  @Test
  void partsWithoutShardsFollowTheInputOrderInEveryRun() throws Exception {
    Path input = lookalikeFiles();
    List<byte[]> first = null;
    for (int r = 0; r < 3; r++) {
      Path split = run(input, "auto" + r, Map.of());
      List<Path> parts = ExamplesIO.parts(split);
      assertEquals(8, parts.size(), "one part per input range");
      for (Path part : parts) {
        long[] rows = {0};
        ExamplesIO.forEachBatch(part, b -> rows[0] += b.rowCount());
        assertEquals(3, rows[0], part + ": one file's rows");
      }
      List<byte[]> now = bytes(split);
      if (first == null) {
        first = now;
      }
      for (int f = 0; f < 8; f++) {
        assertArrayEquals(first.get(f), now.get(f), "part " + f + " of run " + r);
      }
    }
    Batch all = ExamplesIO.readAll(dir.resolve("auto0").resolve("Split-train"));
    for (int f = 0; f < 8; f++) {
      assertEquals("middle-" + f, all.row(3 * f + 1).get("k"), "rows in input order");
    }
  }

  @Test
  void aFixedShardCountHoldsEveryRowInTheSameBytesEveryRun() throws Exception {
    Path input = files(true);
    Path a = run(input, "sharded-a", Map.of("shards", 2));
    Path b = run(input, "sharded-b", Map.of("shards", 2));
    assertEquals(2, ExamplesIO.parts(a).size());
    assertEquals(24, ExamplesIO.readAll(a).rowCount());
    List<byte[]> x = bytes(a);
    List<byte[]> y = bytes(b);
    for (int i = 0; i < x.size(); i++) {
      assertArrayEquals(x.get(i), y.get(i), "part " + i);
    }
  }
}
