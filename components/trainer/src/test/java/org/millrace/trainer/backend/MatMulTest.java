package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The products against a scalar reference that sums each element in the order p = 0..k-1 with
 * fused multiply-adds: the bits must match for every tile, layout, thread count and shape that
 * takes a different path (packed A or A in place, several k blocks and A blocks, ragged tiles,
 * accumulation, an empty depth).
 */
class MatMulTest {
  /**
   * m, k, n: small; deep; packed A over several blocks; narrow; one row; empty depth; deeper than a
   * k block, A read in place and packed (in blocks of fewer rows for the depth); B exactly one panel
   * wide (read in place for the 12 x 2 and 6 x 2 tiles with 16 lanes, and 16 x 1 with 8 or 16);
   * B too large to sweep at once on several threads (in groups of panels, the last group narrower,
   * over one k block and over two; swept whole at one thread); B over 2 MiB packed, swept whole (A
   * in tall blocks: 264 rows at that depth, then 36).
   */
  private static final int[][] SHAPES = {
      {37, 53, 29}, {25, 1100, 70}, {230, 300, 200}, {50, 20, 10}, {1, 7, 1}, {13, 0, 5}, {129, 2100, 17},
      {300, 40, 700}, {100, 2100, 150}, {37, 1100, 32}, {45, 300, 16},
      {100, 1100, 1000}, {30, 2100, 600}, {300, 1100, 500}};

  @Test
  void everyTileLayoutAndThreadCountSumsLikeTheScalarReference() {
    List<MatMul.Tile> tiles = new ArrayList<>(Arrays.asList(MatMul.Tile.values()));
    tiles.add(null); // chosen per product
    for (MatMul.Tile tile : tiles) {
      for (int threads : new int[] {1, 2, 3}) {
        MatMul mm = new MatMul(threads, tile);
        try {
          for (int[] s : SHAPES) {
            for (boolean accumulate : new boolean[] {false, true}) {
              check(mm, s[0], s[1], s[2], accumulate, tile + ", " + threads + " threads");
            }
          }
        } finally {
          mm.close();
        }
      }
    }
  }

  /**
   * A product whose B is swept in groups (several threads) and whose A is too large to pack at once,
   * over two k blocks: each thread's rows are packed a part at a time. With chunks of 64 Ki floats
   * (4 Mi by default) a part is 2 row groups at depth 2048: the threads' 13 and 12 row groups take 7
   * phases per k block, the last with one group of the first thread's. The mutation {@code s0 +=
   * span + 1} in {@code grouped} fails here. (At one thread, B is swept whole whatever its size.)
   */
  @Test
  void aLargeAIsPackedAPartAtATime() {
    MatMul mm = new MatMul(2, null, 1 << 16);
    try {
      for (boolean accumulate : new boolean[] {false, true}) {
        check(mm, 300, 2100, 600, accumulate, "2 threads, chunks of 64 Ki floats");
      }
    } finally {
      mm.close();
    }
  }

  /**
   * Packed B started at each of several indices of its buffer (odd ones too) rather than at a cache
   * line's start: the same bits for every shape. The mutations that leave out the offset where B is
   * packed ({@code dst = q * k * w + p * w}) or where the kernel reads it ({@code base = q *
   * panelSize + k0 * w}) fail here.
   */
  @Test
  void packedBSumsTheSameFromAnyIndexOfItsBuffer() {
    for (int threads : new int[] {1, 2}) {
      MatMul mm = new MatMul(threads);
      try {
        for (int offset : new int[] {0, 1, 7, 15}) {
          mm.packedOffset(offset);
          for (int[] s : SHAPES) {
            check(mm, s[0], s[1], s[2], offset % 2 == 1, threads + " threads, packed B from index " + offset);
          }
        }
      } finally {
        mm.close();
      }
    }
  }

  /**
   * Unless a test sets where, packed B starts at an index whose element starts a cache line (the
   * mutation "packed B starts at 0" fails here: eight buffers of different sizes are not all
   * aligned at 0); an offset outside 0-15 is refused.
   */
  @Test
  void packedBStartsAtACacheLine() {
    for (int size = 1000; size < 1008; size++) {
      float[] buffer = new float[size];
      int start = MatMul.packedStart(buffer, -1);
      // 16: a float[]'s header with compressed class pointers, the JVM's default (as AlignmentTest).
      assertEquals(0, (Alignment.address(buffer) + 16 + 4L * start) % Alignment.LINE, "buffer of " + size);
    }
    assertEquals(7, MatMul.packedStart(new float[100], 7));
    MatMul mm = new MatMul(1);
    try {
      assertThrows(IllegalArgumentException.class, () -> mm.packedOffset(16));
      assertThrows(IllegalArgumentException.class, () -> mm.packedOffset(-2));
    } finally {
      mm.close();
    }
  }

  private static void check(MatMul mm, int m, int k, int n, boolean accumulate, String what) {
    SplittableRandom random = new SplittableRandom(m * 31L + k * 7L + n);
    float[] a = random(random, m * k);
    float[] b = random(random, k * n);
    float[] c0 = random(random, m * n);
    float[] expected = reference(a, b, c0, m, k, n, accumulate);
    float[] at = transpose(a, m, k);
    float[] bt = transpose(b, k, n);
    String shape = what + ", m=" + m + " k=" + k + " n=" + n + (accumulate ? " accumulating" : "");
    float[] c = c0.clone();
    mm.nn(a, b, c, m, k, n, accumulate);
    assertArrayEquals(expected, c, 0f, "nn, " + shape);
    c = c0.clone();
    mm.tn(at, b, c, m, k, n, accumulate);
    assertArrayEquals(expected, c, 0f, "tn, " + shape);
    c = c0.clone();
    mm.nt(a, bt, c, m, k, n, accumulate);
    assertArrayEquals(expected, c, 0f, "nt, " + shape);
  }

  @Test
  void theEpilogueFinishesEachElementOnceAfterItsLastKBlock() {
    for (MatMul.Tile tile : new MatMul.Tile[] {null, MatMul.Tile.T6X2}) {
      MatMul mm = new MatMul(2, tile);
      try {
        for (int[] s : SHAPES) {
          int m = s[0];
          int k = s[1];
          int n = s[2];
          SplittableRandom random = new SplittableRandom(5);
          float[] a = random(random, m * k);
          float[] b = random(random, k * n);
          float[] expected = finished(a, b, m, k, n);
          float[] c = new float[m * n];
          int[] seen = new int[m * n];
          mm.product(false, false, a, b, c, m, k, n, false, (cv, i0, rows, j0, cols, stride) -> {
            for (int r = i0; r < i0 + rows; r++) {
              for (int j = j0; j < j0 + cols; j++) {
                cv[r * stride + j] = cv[r * stride + j] * 2 + 1;
                seen[r * stride + j]++;
              }
            }
          });
          assertArrayEquals(expected, c, 0f, tile + " m=" + m + " k=" + k + " n=" + n);
          int[] once = new int[m * n];
          Arrays.fill(once, 1);
          assertArrayEquals(once, seen, "each element finished exactly once, m=" + m + " k=" + k + " n=" + n);
        }
      } finally {
        mm.close();
      }
    }
  }

  /**
   * A product swept in groups of panels (B of 1100 x 1000; each thread's rows are one half, in
   * blocks of 84 rows, each swept in two groups) whose helper thread holds its first finished block
   * (the epilogue waits) until the calling thread has finished rows of both halves: the calling
   * thread, done with its own units, must take over those of the helper's it has not claimed, with
   * the same bits and each element finished once. The mutation "each thread sweeps only its own
   * rows" fails the last assertion (after the 10 s wait): no half then has rows finished by both
   * threads.
   */
  @Test
  void aFasterThreadTakesOverTheRowsOfASlowerOne() throws Exception {
    int m = 600;
    int k = 1100;
    int n = 1000;
    MatMul mm = new MatMul(2);
    try {
      SplittableRandom random = new SplittableRandom(13);
      float[] a = random(random, m * k);
      float[] b = random(random, k * n);
      float[] expected = finished(a, b, m, k, n);
      Thread caller = Thread.currentThread();
      Thread[] finisher = new Thread[m];
      boolean[] callerHalves = new boolean[2];
      CountDownLatch callerInBoth = new CountDownLatch(1);
      AtomicBoolean helperHeld = new AtomicBoolean();
      int[] seen = new int[m * n];
      float[] c = new float[m * n];
      mm.product(false, false, a, b, c, m, k, n, false, (cv, i0, rows, j0, cols, stride) -> {
        for (int r = i0; r < i0 + rows; r++) {
          finisher[r] = Thread.currentThread();
          for (int j = j0; j < j0 + cols; j++) {
            cv[r * stride + j] = cv[r * stride + j] * 2 + 1;
            seen[r * stride + j]++;
          }
        }
        if (Thread.currentThread() == caller) {
          callerHalves[i0 < 300 ? 0 : 1] = true;
          if (callerHalves[0] && callerHalves[1]) {
            callerInBoth.countDown();
          }
        } else if (helperHeld.compareAndSet(false, true)) {
          try {
            callerInBoth.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      assertArrayEquals(expected, c, 0f);
      int[] once = new int[m * n];
      Arrays.fill(once, 1);
      assertArrayEquals(once, seen, "each element finished exactly once");
      // A half whose rows both threads finished: one of them took over the other's units.
      boolean shared = false;
      for (int half = 0; half < 2; half++) {
        boolean byCaller = false;
        boolean byHelper = false;
        for (int r = half * 300; r < half * 300 + 300; r++) {
          byCaller |= finisher[r] == caller;
          byHelper |= finisher[r] != caller;
        }
        shared |= byCaller && byHelper;
      }
      assertTrue(shared, "no half has rows finished by both threads");
    } finally {
      mm.close();
    }
  }

  @Test
  void aFailureInsideAParallelLoopReachesTheCaller() {
    MatMul mm = new MatMul(2);
    try {
      var thrown = assertThrows(IllegalStateException.class, () -> mm.rows(64, 1, (from, to) -> {
        if (from > 0) {
          throw new IllegalStateException("chunk from " + from);
        }
      }));
      assertEquals(true, thrown.getMessage().startsWith("chunk from "));
      // The team is usable afterwards.
      float[] c = new float[4];
      mm.nn(new float[] {1, 2, 3, 4}, new float[] {1, 0, 0, 1}, c, 2, 2, 2, false);
      assertArrayEquals(new float[] {1, 2, 3, 4}, c, 0f);
    } finally {
      mm.close();
    }
  }

  @Test
  void twoThreadsSharingOneMatMulGetTheirOwnResults() throws Exception {
    MatMul mm = new MatMul(2);
    try {
      int m = 200;
      int k = 300;
      int n = 150;
      SplittableRandom random = new SplittableRandom(9);
      float[][] as = {random(random, m * k), random(random, m * k)};
      float[] b = random(random, k * n);
      float[][] expected = {reference(as[0], b, new float[m * n], m, k, n, false),
          reference(as[1], b, new float[m * n], m, k, n, false)};
      CountDownLatch start = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread[] callers = new Thread[2];
      for (int t = 0; t < 2; t++) {
        int which = t;
        callers[t] = new Thread(() -> {
          try {
            start.await();
            for (int round = 0; round < 20; round++) {
              float[] c = new float[m * n];
              mm.nn(as[which], b, c, m, k, n, false);
              assertArrayEquals(expected[which], c, 0f, "caller " + which + ", round " + round);
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
        callers[t].start();
      }
      start.countDown();
      for (Thread t : callers) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
    } finally {
      mm.close();
    }
  }

  /** A B with each element then finished as the tests' epilogues finish it, 2x + 1. */
  private static float[] finished(float[] a, float[] b, int m, int k, int n) {
    float[] c = reference(a, b, new float[m * n], m, k, n, false);
    for (int i = 0; i < c.length; i++) {
      c[i] = c[i] * 2 + 1;
    }
    return c;
  }

  /** C (+)= A B, each element summed p = 0..k-1 with fused multiply-adds. */
  static float[] reference(float[] a, float[] b, float[] c0, int m, int k, int n, boolean accumulate) {
    float[] c = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = accumulate ? c0[i * n + j] : 0f;
        for (int p = 0; p < k; p++) {
          s = Math.fma(a[i * k + p], b[p * n + j], s);
        }
        c[i * n + j] = s;
      }
    }
    return c;
  }

  static float[] random(SplittableRandom random, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextDouble(-1, 1);
    }
    return v;
  }

  static float[] transpose(float[] a, int r, int c) {
    float[] t = new float[a.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = a[i * c + j];
      }
    }
    return t;
  }
}
