package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MatMul.Watch}: a p-block kernel left slow is replaced, with the same results. */
class MatMulWatchTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** A product's multiply-adds, and the time that puts it at 1 GFLOP/s (slow) or 100 (fast). */
  private static final long MACS = MatMul.WATCHED_MACS;
  private static final long SLOW = 2 * MACS;
  private static final long FAST = 2 * MACS / 100;

  @Test
  void theWatchWaitsOutTheJitsFirstSeconds() {
    MatMul.Watch watch = new MatMul.Watch(20 * SECOND);
    long now = 0;
    for (int i = 0; i < 12; i++) {
      now += SLOW;
      assertFalse(watch.slow(MACS, SLOW, now), "slow products " + now / SECOND + " s after the first");
    }
    now = 21 * SECOND;
    assertTrue(watch.slow(MACS, SLOW, now), "the 13th slow product in a row, 21 s after the first");
  }

  @Test
  void aFastProductStartsTheStreakAgain() {
    MatMul.Watch watch = new MatMul.Watch(20 * SECOND);
    long now = SLOW;
    assertFalse(watch.slow(MACS, SLOW, now));
    now = 30 * SECOND;
    for (int i = 0; i < 6; i++) {
      now += SLOW;
      assertFalse(watch.slow(MACS, SLOW, now), "slow product " + (i + 2) + " in a row");
    }
    now += FAST;
    assertFalse(watch.slow(MACS, FAST, now), "a fast product");
    for (int i = 0; i < MatMul.Watch.STREAK - 1; i++) {
      now += SLOW;
      assertFalse(watch.slow(MACS, SLOW, now), "slow product " + (i + 1) + " after the fast one");
    }
    now += SLOW;
    assertTrue(watch.slow(MACS, SLOW, now), MatMul.Watch.STREAK + " slow products after the fast one");
  }

  /** With p blocks stopped, every product that used them sums as before, to the bit. */
  @Test
  void withoutPBlocksTheProductsSumAlike() {
    int[][] shapes = {{37, 53, 200}, {230, 300, 200}, {100, 1100, 1000}, {30, 2100, 600}, {129, 2100, 170}};
    for (int threads : new int[] {1, 2}) {
      MatMul with = new MatMul(threads, MatMul.Tile.T12X2);
      MatMul without = new MatMul(threads, MatMul.Tile.T12X2);
      without.stopPBlocks();
      try {
        for (int[] s : shapes) {
          int m = s[0];
          int k = s[1];
          int n = s[2];
          SplittableRandom random = new SplittableRandom(m * 31L + k);
          float[] a = SlowKernelMain.uniform(random, m * k);
          float[] b = SlowKernelMain.uniform(random, k * n);
          float[] c1 = new float[m * n];
          float[] c2 = new float[m * n];
          with.nn(a, b, c1, m, k, n, false);
          without.nn(a, b, c2, m, k, n, false);
          assertArrayEquals(c1, c2, 0f, "nn " + m + "x" + k + "x" + n + ", " + threads + " threads");
          float[] bt = new float[n * k];
          for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
              bt[j * k + p] = b[p * n + j];
            }
          }
          c2 = new float[m * n];
          without.nt(a, bt, c2, m, k, n, false);
          assertArrayEquals(c1, c2, 0f, "nt " + m + "x" + k + "x" + n + ", " + threads + " threads");
        }
        assertFalse(without.pBlocks());
      } finally {
        with.close();
        without.close();
      }
    }
  }

  /**
   * As deployed: a separate JVM whose p-block kernel is never compiled (left out with a
   * CompileCommand, a stand-in for C2's code without its vector intrinsics) gives up on it once its
   * products have stayed slow, says so on standard error, and runs the same products at speed.
   */
  @Test
  void aJvmWhoseKernelStaysSlowGivesItUp(@TempDir Path dir) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(List.of(java.toString(), "--add-modules=jdk.incubator.vector",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=exclude,org.millrace.trainer.backend.PackedKernels::b12x2",
        "-Dmillrace.matmul.watchSeconds=1", "-cp", System.getProperty("java.class.path"),
        SlowKernelMain.class.getName()))
        .redirectError(err.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the JVM did not end");
    String stderr = Files.readString(err);
    assertEquals(0, process.exitValue(), out + "\n" + stderr);
    if (out.equals("no-p-blocks")) {
      assertTrue(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() != 16, out);
      return;
    }
    Matcher r = Pattern.compile("products (\\d+) seconds ([\\d.]+) slow ([\\d.]+) after ([\\d.]+) same (\\w+)")
        .matcher(out);
    assertTrue(r.matches(), out + "\n" + stderr);
    double slow = Double.parseDouble(r.group(3));
    double after = Double.parseDouble(r.group(4));
    assertTrue(slow < MatMul.Watch.SLOW_FLOPS / 1e9, "the left-out kernel expected slow: " + out);
    assertTrue(Integer.parseInt(r.group(1)) >= MatMul.Watch.STREAK, out);
    assertTrue(after > 5 * slow && after > MatMul.Watch.SLOW_FLOPS / 1e9,
        "products expected at speed once p blocks were given up: " + out);
    assertEquals("true", r.group(5), "the same bits before and after: " + out);
    assertTrue(stderr.contains("looks compiled without its vector intrinsics"), stderr);
  }
}
