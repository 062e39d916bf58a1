package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.ExamplesIO;
import org.millrace.validate.statistics.StatisticsModel;

/**
 * Ingest of a CSV file well over twice the size of the JVM heap: ExampleGen and then StatisticsGen
 * run in a child JVM with {@code -Xmx64m} on a generated ~165 MB file; every row must land in
 * exactly one split, with exact counts, and the statistics must count the same rows.
 */
class LargerThanHeapIT {
  static final int ROWS = 3_200_000;
  static final String HEAP = "-Xmx64m";
  static final String[] CATEGORIES = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};

  @TempDir
  Path dir;

  /** Seeded rows: a unique id, numbers with some missing, categories, text with quotes and commas. */
  static long generate(Path csv, int rows, long seed) throws Exception {
    var rnd = new Random(seed);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,x,y,category,count,flag,note\n");
      for (int i = 0; i < rows; i++) {
        w.write(Integer.toString(i));
        w.write(',');
        w.write(rnd.nextInt(50) == 0 ? "" : Double.toString(Math.round(rnd.nextGaussian() * 1e6) / 1e3));
        w.write(',');
        w.write(Double.toString(Math.round(rnd.nextDouble() * 1e5) / 1e2));
        w.write(',');
        w.write(CATEGORIES[rnd.nextInt(CATEGORIES.length)]);
        w.write(',');
        w.write(Integer.toString(rnd.nextInt(10_000)));
        w.write(',');
        w.write(rnd.nextBoolean() ? "true" : "false");
        w.write(',');
        w.write(rnd.nextInt(10) == 0 ? "\"said \"\"hi\"\", then left\"" : "note-" + Long.toString(rnd.nextLong() & 0xffffff, 36));
        w.write('\n');
      }
    }
    return Files.size(csv);
  }

  @Test
  void aCsvMuchBiggerThanTheHeapIsIngestedRowForRow() throws Exception {
    Path csv = dir.resolve("big.csv");
    long bytes = generate(csv, ROWS, 20261124L);
    long heap = 64L << 20;
    assertTrue(bytes > 2 * heap, "the generated file (" + bytes + " bytes) must be much bigger than the child's heap");

    var cmd = new ArrayList<String>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(HEAP);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("--add-modules")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        IngestAndStatistics.class.getName(), csv.toString(), dir.resolve("work").toString(), "--statistics"));
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the child JVM did not finish");
    String out = Files.readString(log);
    assertEquals(0, child.exitValue(), "child JVM with " + HEAP + " failed:\n" + tail(out));
    assertTrue(out.contains("rows_read=" + ROWS), out);

    var seen = new BitSet(ROWS);
    long total = 0;
    for (String split : List.of("train", "eval")) {
      Path splitDir = dir.resolve("work/examples/Split-" + split);
      long[] rows = {0};
      for (Path part : ExamplesIO.parts(splitDir)) {
        ExamplesIO.forEachBatch(part, b -> {
          var ids = (org.millrace.api.data.Column.Longs) b.column("id");
          for (int i = 0; i < b.rowCount(); i++) {
            int id = (int) ids.values()[i];
            assertTrue(!seen.get(id), "row " + id + " landed twice");
            seen.set(id);
          }
          rows[0] += b.rowCount();
        });
      }
      assertTrue(out.contains("row_count_" + split + "=" + rows[0]), "counted " + rows[0] + " in " + split + ":\n" + out);
      total += rows[0];
    }
    assertEquals(ROWS, total);
    assertEquals(ROWS, seen.cardinality(), "every generated row landed in a split");

    for (String split : List.of("train", "eval")) {
      long rows = ExamplesIO.parts(dir.resolve("work/examples/Split-" + split)).stream()
          .mapToLong(p -> { long[] n = {0}; ExamplesIO.forEachBatch(p, b -> n[0] += b.rowCount()); return n[0]; }).sum();
      assertEquals(rows, StatisticsModel.read(dir.resolve("work/statistics"), split).rows(),
          "statistics, computed in the same small heap, count every row of " + split);
    }
  }

  private static String tail(String s) {
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }
}
