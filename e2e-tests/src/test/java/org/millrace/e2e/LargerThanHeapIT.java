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
import org.millrace.api.format.StatisticsModel;

/**
 * Ingest of a CSV file well over twice the size of the JVM heap: ExampleGen and then StatisticsGen
 * run in a child JVM with {@code -Xmx64m}, seeing 16 processors, on a generated ~165 MB file; every row must land in
 * exactly one split with exactly its generated values (a digest of every row's values, compared by
 * id), with exact counts, and the statistics must count the same rows.
 */
class LargerThanHeapIT {
  static final int ROWS = 3_200_000;
  static final String HEAP = "-Xmx64m";
  static final String[] CATEGORIES = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};

  @TempDir
  Path dir;

  /** Receives each generated row's values as the CSV holds them (text unquoted; "" for a missing value). */
  @FunctionalInterface
  interface RowSink {
    void row(int id, String[] values);
  }

  /** Seeded rows: a unique id, numbers with some missing, categories, text with quotes and commas. */
  static long generate(Path csv, int rows, long seed) throws Exception {
    return generate(csv, rows, seed, (id, values) -> { });
  }

  /** {@link #generate(Path, int, long)}, handing {@code sink} each row's values (x, y, category, count, flag, note). */
  static long generate(Path csv, int rows, long seed, RowSink sink) throws Exception {
    var rnd = new Random(seed);
    String[] v = new String[6];
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,x,y,category,count,flag,note\n");
      for (int i = 0; i < rows; i++) {
        v[0] = rnd.nextInt(50) == 0 ? "" : Double.toString(Math.round(rnd.nextGaussian() * 1e6) / 1e3);
        v[1] = Double.toString(Math.round(rnd.nextDouble() * 1e5) / 1e2);
        v[2] = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
        v[3] = Integer.toString(rnd.nextInt(10_000));
        v[4] = rnd.nextBoolean() ? "true" : "false";
        boolean quoted = rnd.nextInt(10) == 0;
        v[5] = quoted ? "said \"hi\", then left" : "note-" + Long.toString(rnd.nextLong() & 0xffffff, 36);
        w.write(Integer.toString(i));
        for (int c = 0; c < 6; c++) {
          w.write(',');
          w.write(c == 5 && quoted ? "\"said \"\"hi\"\", then left\"" : v[c]);
        }
        w.write('\n');
        sink.row(i, v);
      }
    }
    return Files.size(csv);
  }

  /**
   * A 64-bit digest of one row's values, the same for the CSV's text and for the typed column
   * values ExampleGen wrote: numbers by their double value, booleans and strings by their text,
   * a missing value as a marker of its own.
   */
  static long digest(Object[] values) {
    long h = 0xcbf29ce484222325L;
    for (Object o : values) {
      String s = o == null ? "\u0000null" : o instanceof Number n ? Double.toString(n.doubleValue()) : o.toString();
      for (int i = 0; i < s.length(); i++) {
        h = (h ^ s.charAt(i)) * 0x100000001b3L;
      }
      h = (h ^ 0x1f) * 0x100000001b3L;
    }
    return h;
  }

  /** The CSV text of a row as the values a reader of the examples should see (numbers parsed, "" missing). */
  static Object[] expected(String[] text) {
    return new Object[] {text[0].isEmpty() ? null : Double.parseDouble(text[0]), Double.parseDouble(text[1]), text[2],
        Double.parseDouble(text[3]), text[4], text[5]};
  }

  @Test
  void aCsvMuchBiggerThanTheHeapIsIngestedRowForRow() throws Exception {
    Path csv = dir.resolve("big.csv");
    // Each generated row's digest by id: the examples must hold every row with its own values.
    long[] digests = new long[ROWS];
    long bytes = generate(csv, ROWS, 20261124L, (id, values) -> digests[id] = digest(expected(values)));
    long heap = 64L << 20;
    assertTrue(bytes > 2 * heap, "the generated file (" + bytes + " bytes) must be much bigger than the child's heap");

    var cmd = new ArrayList<String>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(HEAP);
    // As on a machine of 16 processors: the in-process threads must follow the heap, not the
    // processors (16 threads in 64 MiB ran out of memory before they did).
    cmd.add("-XX:ActiveProcessorCount=16");
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
          var columns = new ArrayList<org.millrace.api.data.Column>();
          for (String name : List.of("x", "y", "category", "count", "flag", "note")) {
            columns.add(b.column(name));
          }
          Object[] values = new Object[columns.size()];
          for (int i = 0; i < b.rowCount(); i++) {
            int id = (int) ids.values()[i];
            assertTrue(!seen.get(id), "row " + id + " landed twice");
            seen.set(id);
            for (int c = 0; c < values.length; c++) {
              values[c] = columns.get(c).get(i);
            }
            if (digest(values) != digests[id]) {
              throw new AssertionError("row " + id + " in " + split + " holds " + java.util.Arrays.toString(values)
                  + ", not the values generated for it");
            }
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
