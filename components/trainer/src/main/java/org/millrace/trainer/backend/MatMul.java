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


  /** Rows of C per micro-kernel call: 6 rows by two vector widths is 12 accumulators. */
  private static final int MR = 6;

  /** The packed panels of B (two vector widths of columns each, zero-padded), shared by the threads. */
  private float[] packB(float[] b, int bp, int bj, int k, int n, int w, int panels) {
    float[] packed = new float[panels * k * w];
    rows(panels, 2, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        int j0 = q * w;
        int cols = Math.min(w, n - j0);
        int base = q * k * w;
        if (bj == 1) {
          for (int p = 0; p < k; p++) {
            System.arraycopy(b, p * bp + j0, packed, base + p * w, cols);
          }
        } else {
          // B transposed: read each of its rows (a column of B) along p, contiguously.
          for (int j = 0; j < cols; j++) {
            int src = (j0 + j) * bj;
            for (int p = 0; p < k; p++) {
              packed[base + p * w + j] = b[src + p * bp];
            }
          }
        }
      }
    });
    return packed;
  }

  /**
   * C (m x n) = A * B with A's element (i, p) at {@code a[i * ai + p * ap]} and B's (p, j) at
   * {@code b[p * bp + j * bj]}. B is packed once into panels of two vector widths of columns (the
   * last one zero-padded), read along its contiguous dimension whichever way it is transposed.
   * Threads take contiguous ranges of row groups; for each k block, each group of {@link #MR} rows
   * of A is copied into a contiguous strip (p-major, zero rows past m) that stays in L1 while the
   * panels stream by, and 6 rows by two vector widths of C stay in 12 registers, so each loaded B
   * vector feeds six fused multiply-adds. Every element of C is summed in the order p = 0..k-1 by
   * one thread, whatever the number of threads (the same bits as the 4-row kernel before it).
   */
  private void gemm(float[] a, int ai, int ap, float[] b, int bp, int bj, float[] c, int m, int k, int n,
      boolean accumulate) {
    int w = 2 * S.length();
    int panels = (n + w - 1) / w;
    float[] packed = packB(b, bp, bj, k, n, w, panels);
    int groups = (m + MR - 1) / MR;
    rows(groups, 2, (g0, g1) -> {
      float[] strip = new float[MR * KC];
      float[] tmp = new float[MR * w];
      for (int k0 = 0; k0 < k; k0 += KC) {
        int k1 = Math.min(k, k0 + KC);
        int depth = k1 - k0;
        boolean acc = accumulate || k0 > 0;
        for (int g = g0; g < g1; g++) {
          int i0 = g * MR;
          int rowsHere = Math.min(MR, m - i0);
          for (int p = 0; p < depth; p++) {
            int o = p * MR;
            int src = (k0 + p) * ap;
            for (int r = 0; r < rowsHere; r++) {
              strip[o + r] = a[(i0 + r) * ai + src];
            }
            for (int r = rowsHere; r < MR; r++) {
              strip[o + r] = 0f;
            }
          }
          for (int q = 0; q < panels; q++) {
            int j0 = q * w;
            int cols = Math.min(w, n - j0);
            int base = q * k * w + k0 * w;
            if (cols == w && rowsHere == MR) {
              block6(strip, packed, base, w, c, i0 * n + j0, n, depth, acc);
            } else {
              for (int r = 0; r < MR; r++) {
                for (int j = 0; j < w; j++) {
                  tmp[r * w + j] = acc && r < rowsHere && j < cols ? c[(i0 + r) * n + j0 + j] : 0f;
                }
              }
              block6(strip, packed, base, w, tmp, 0, w, depth, true);
              for (int r = 0; r < rowsHere; r++) {
                System.arraycopy(tmp, r * w, c, (i0 + r) * n + j0, cols);
              }
            }
          }
        }
      }
    });
  }

  /** {@code C[6 x 2vl] (+)= strip (depth x 6, p-major) * panel (depth x 2vl)}; C at co with row stride cs. */
  private static void block6(float[] strip, float[] b, int base, int bw, float[] c, int co, int cs, int depth,
      boolean accumulate) {
    int vl = S.length();
    FloatVector c00;
    FloatVector c01;
    FloatVector c10;
    FloatVector c11;
    FloatVector c20;
    FloatVector c21;
    FloatVector c30;
    FloatVector c31;
    FloatVector c40;
    FloatVector c41;
    FloatVector c50;
    FloatVector c51;
    if (accumulate) {
      c00 = FloatVector.fromArray(S, c, co);
      c01 = FloatVector.fromArray(S, c, co + vl);
      c10 = FloatVector.fromArray(S, c, co + cs);
      c11 = FloatVector.fromArray(S, c, co + cs + vl);
      c20 = FloatVector.fromArray(S, c, co + 2 * cs);
      c21 = FloatVector.fromArray(S, c, co + 2 * cs + vl);
      c30 = FloatVector.fromArray(S, c, co + 3 * cs);
      c31 = FloatVector.fromArray(S, c, co + 3 * cs + vl);
      c40 = FloatVector.fromArray(S, c, co + 4 * cs);
      c41 = FloatVector.fromArray(S, c, co + 4 * cs + vl);
      c50 = FloatVector.fromArray(S, c, co + 5 * cs);
      c51 = FloatVector.fromArray(S, c, co + 5 * cs + vl);
    } else {
      c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
    }
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = p * MR;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + vl);
    c10.intoArray(c, co + cs);
    c11.intoArray(c, co + cs + vl);
    c20.intoArray(c, co + 2 * cs);
    c21.intoArray(c, co + 2 * cs + vl);
    c30.intoArray(c, co + 3 * cs);
    c31.intoArray(c, co + 3 * cs + vl);
    c40.intoArray(c, co + 4 * cs);
    c41.intoArray(c, co + 4 * cs + vl);
    c50.intoArray(c, co + 5 * cs);
    c51.intoArray(c, co + 5 * cs + vl);
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
