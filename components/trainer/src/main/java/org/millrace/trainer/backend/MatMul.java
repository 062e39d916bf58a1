package org.millrace.trainer.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major float32 matrix products {@code C (m x n) = op(A) * op(B)}, optionally added to C.
 * Rows of C are split into blocks computed by a fixed pool; each element is summed by one thread
 * in a fixed order, so results do not depend on the number of threads or on timing.
 */
public final class MatMul {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private final ForkJoinPool pool;
  private final int threads;

  public MatMul(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads expected at least 1, got " + threads);
    }
    this.threads = threads;
    this.pool = new ForkJoinPool(threads);
  }

  public int threads() {
    return threads;
  }

  /** Stops the pool's threads. */
  public void close() {
    pool.shutdown();
  }

  /** C = A (m x k) * B (k x n). */
  public void nn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, k, 1, b, n, 1, c, m, k, n, accumulate);
  }

  /** C = A^T * B where A is (k x m) and B is (k x n). */
  public void tn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, 1, m, b, n, 1, c, m, k, n, accumulate);
  }

  /** C = A * B^T where A is (m x k) and B is (n x k). */
  public void nt(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, k, 1, b, 1, k, c, m, k, n, accumulate);
  }

  /** Depth of one k block: a packed panel block (KC x 2 vector widths) stays in L1. */
  private static final int KC = 256;

  /**
   * C (m x n) = A * B with A's element (i, p) at {@code a[i * ai + p * ap]} and B's (p, j) at
   * {@code b[p * bp + j * bj]}. B is packed once into panels of two vector widths of columns
   * (the last one zero-padded). Threads take contiguous ranges of rows; for each k block and
   * panel, 4 rows of C by two vector widths stay in registers while p runs over the block, so
   * each loaded B vector feeds four fused multiply-adds. Every element of C is summed in the
   * order p = 0..k-1 by one thread, whatever the number of threads.
   */
  private void gemm(float[] a, int ai, int ap, float[] b, int bp, int bj, float[] c, int m, int k, int n,
      boolean accumulate) {
    int w = 2 * S.length();
    int panels = (n + w - 1) / w;
    float[] packed = new float[panels * k * w];
    rows(panels, 2, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        int j0 = q * w;
        int cols = Math.min(w, n - j0);
        int base = q * k * w;
        for (int p = 0; p < k; p++) {
          int o = base + p * w;
          if (bj == 1) {
            System.arraycopy(b, p * bp + j0, packed, o, cols);
          } else {
            for (int j = 0; j < cols; j++) {
              packed[o + j] = b[p * bp + (j0 + j) * bj];
            }
          }
        }
      }
    });
    int groups = (m + 3) / 4;
    rows(groups, 2, (g0, g1) -> {
      float[] tmp = new float[4 * w];
      for (int k0 = 0; k0 < k; k0 += KC) {
        int k1 = Math.min(k, k0 + KC);
        boolean acc = accumulate || k0 > 0;
        for (int q = 0; q < panels; q++) {
          int j0 = q * w;
          int cols = Math.min(w, n - j0);
          int base = q * k * w;
          for (int g = g0; g < g1; g++) {
            int i0 = g * 4;
            int rowsHere = Math.min(4, m - i0);
            if (cols == w && rowsHere == 4) {
              block4(a, ai, ap, packed, base, w, c, i0 * n + j0, n, k0, k1, i0, acc);
            } else {
              // Edge: compute into a full-width temporary, then copy the valid part.
              for (int r = 0; r < rowsHere; r++) {
                for (int j = 0; j < w; j++) {
                  tmp[r * w + j] = acc && j < cols ? c[(i0 + r) * n + j0 + j] : 0f;
                }
              }
              for (int r = 0; r < rowsHere; r++) {
                block1(a, ai, ap, packed, base, w, tmp, r * w, k0, k1, i0 + r);
              }
              for (int r = 0; r < rowsHere; r++) {
                System.arraycopy(tmp, r * w, c, (i0 + r) * n + j0, cols);
              }
            }
          }
        }
      }
    });
  }

  private static void block4(float[] a, int ai, int ap, float[] b, int base, int bw, float[] c, int co, int cs,
      int k0, int k1, int i0, boolean accumulate) {
    int vl = S.length();
    FloatVector c00;
    FloatVector c01;
    FloatVector c10;
    FloatVector c11;
    FloatVector c20;
    FloatVector c21;
    FloatVector c30;
    FloatVector c31;
    if (accumulate) {
      c00 = FloatVector.fromArray(S, c, co);
      c01 = FloatVector.fromArray(S, c, co + vl);
      c10 = FloatVector.fromArray(S, c, co + cs);
      c11 = FloatVector.fromArray(S, c, co + cs + vl);
      c20 = FloatVector.fromArray(S, c, co + 2 * cs);
      c21 = FloatVector.fromArray(S, c, co + 2 * cs + vl);
      c30 = FloatVector.fromArray(S, c, co + 3 * cs);
      c31 = FloatVector.fromArray(S, c, co + 3 * cs + vl);
    } else {
      c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
    }
    int r0 = i0 * ai;
    int r1 = (i0 + 1) * ai;
    int r2 = (i0 + 2) * ai;
    int r3 = (i0 + 3) * ai;
    for (int p = k0; p < k1; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int po = p * ap;
      var x0 = FloatVector.broadcast(S, a[r0 + po]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      var x1 = FloatVector.broadcast(S, a[r1 + po]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      var x2 = FloatVector.broadcast(S, a[r2 + po]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      var x3 = FloatVector.broadcast(S, a[r3 + po]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + vl);
    c10.intoArray(c, co + cs);
    c11.intoArray(c, co + cs + vl);
    c20.intoArray(c, co + 2 * cs);
    c21.intoArray(c, co + 2 * cs + vl);
    c30.intoArray(c, co + 3 * cs);
    c31.intoArray(c, co + 3 * cs + vl);
  }

  /** One row: {@code c[co..co+2vl) += A(i, k0..k1) * panel}; c already holds the starting values. */
  private static void block1(float[] a, int ai, int ap, float[] b, int base, int bw, float[] c, int co, int k0, int k1,
      int i) {
    int vl = S.length();
    var c0 = FloatVector.fromArray(S, c, co);
    var c1 = FloatVector.fromArray(S, c, co + vl);
    for (int p = k0; p < k1; p++) {
      var x = FloatVector.broadcast(S, a[i * ai + p * ap]);
      c0 = x.fma(FloatVector.fromArray(S, b, base + p * bw), c0);
      c1 = x.fma(FloatVector.fromArray(S, b, base + p * bw + vl), c1);
    }
    c0.intoArray(c, co);
    c1.intoArray(c, co + vl);
  }

  @FunctionalInterface
  interface RowBlock {
    void run(int from, int to);
  }

  /** Runs {@code block} over [0, m) split into contiguous ranges on the pool (inline for small m or one thread). */
  void rows(int m, RowBlock block) {
    rows(m, 16, block);
  }

  void rows(int m, int minPerThread, RowBlock block) {
    int blocks = Math.min(m, threads * 4);
    if (threads == 1 || m < minPerThread) {
      block.run(0, m);
      return;
    }
    int per = (m + blocks - 1) / blocks;
    pool.submit(() -> IntStream.range(0, blocks).parallel().forEach(b -> {
      int from = b * per;
      int to = Math.min(m, from + per);
      if (from < to) {
        block.run(from, to);
      }
    })).join();
  }
}
