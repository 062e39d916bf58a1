package org.millrace.trainer.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
    gemm(a, k, 1, b, c, m, k, n, accumulate);
  }

  /** C = A^T * B where A is (k x m) and B is (k x n). */
  public void tn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, 1, m, b, c, m, k, n, accumulate);
  }

  /** C = A * B^T where A is (m x k) and B is (n x k): B is transposed once, then multiplied. */
  public void nt(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    float[] bt = new float[k * n];
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        bt[p * n + j] = b[j * k + p];
      }
    }
    gemm(a, k, 1, bt, c, m, k, n, accumulate);
  }

  /**
   * C (m x n) = A * B with A's element (i, p) at {@code a[i * ai + p * ap]} and B row-major (k x n).
   * Register-blocked: 4 rows of C by two vector widths of columns stay in registers while p runs
   * over k, so each loaded B vector feeds four fused multiply-adds.
   */
  private void gemm(float[] a, int ai, int ap, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    int vl = S.length();
    int w = 2 * vl;
    int wide = n - n % w;
    // Pack each panel of B (k x 2 vector widths) contiguously once; every row group then streams it.
    float[] panel = new float[k * w];
    for (int j = 0; j < wide; j += w) {
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, p * n + j, panel, p * w, w);
      }
      int jj = j;
      rows((m + 3) / 4, (q0, q1) -> {
        for (int q = q0; q < q1; q++) {
          int i0 = q * 4;
          if (m - i0 >= 4) {
            block4(a, ai, ap, panel, w, c, i0, jj, k, n, accumulate);
          } else {
            for (int i = i0; i < m; i++) {
              block1(a, ai, ap, panel, w, c, i, jj, k, n, accumulate);
            }
          }
        }
      });
    }
    if (wide < n) {
      rows(m, (i0, i1) -> {
        for (int i = i0; i < i1; i++) {
          for (int j = wide; j < n; j++) {
            float s = accumulate ? c[i * n + j] : 0f;
            for (int p = 0; p < k; p++) {
              s = Math.fma(a[i * ai + p * ap], b[p * n + j], s);
            }
            c[i * n + j] = s;
          }
        }
      });
    }
  }

  private static void block4(float[] a, int ai, int ap, float[] b, int bw, float[] c, int i0, int j, int k, int n,
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
    if (accumulate) {
      c00 = FloatVector.fromArray(S, c, i0 * n + j);
      c01 = FloatVector.fromArray(S, c, i0 * n + j + vl);
      c10 = FloatVector.fromArray(S, c, (i0 + 1) * n + j);
      c11 = FloatVector.fromArray(S, c, (i0 + 1) * n + j + vl);
      c20 = FloatVector.fromArray(S, c, (i0 + 2) * n + j);
      c21 = FloatVector.fromArray(S, c, (i0 + 2) * n + j + vl);
      c30 = FloatVector.fromArray(S, c, (i0 + 3) * n + j);
      c31 = FloatVector.fromArray(S, c, (i0 + 3) * n + j + vl);
    } else {
      c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
    }
    int r0 = i0 * ai;
    int r1 = (i0 + 1) * ai;
    int r2 = (i0 + 2) * ai;
    int r3 = (i0 + 3) * ai;
    for (int p = 0; p < k; p++) {
      int bo = p * bw;
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
    c00.intoArray(c, i0 * n + j);
    c01.intoArray(c, i0 * n + j + vl);
    c10.intoArray(c, (i0 + 1) * n + j);
    c11.intoArray(c, (i0 + 1) * n + j + vl);
    c20.intoArray(c, (i0 + 2) * n + j);
    c21.intoArray(c, (i0 + 2) * n + j + vl);
    c30.intoArray(c, (i0 + 3) * n + j);
    c31.intoArray(c, (i0 + 3) * n + j + vl);
  }

  private static void block1(float[] a, int ai, int ap, float[] b, int bw, float[] c, int i, int j, int k, int n,
      boolean accumulate) {
    int vl = S.length();
    var c0 = accumulate ? FloatVector.fromArray(S, c, i * n + j) : FloatVector.zero(S);
    var c1 = accumulate ? FloatVector.fromArray(S, c, i * n + j + vl) : FloatVector.zero(S);
    for (int p = 0; p < k; p++) {
      var x = FloatVector.broadcast(S, a[i * ai + p * ap]);
      c0 = x.fma(FloatVector.fromArray(S, b, p * bw), c0);
      c1 = x.fma(FloatVector.fromArray(S, b, p * bw + vl), c1);
    }
    c0.intoArray(c, i * n + j);
    c1.intoArray(c, i * n + j + vl);
  }

  static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    int j = 0;
    var va = FloatVector.broadcast(S, alpha);
    for (int upper = S.loopBound(n); j < upper; j += S.length()) {
      var vx = FloatVector.fromArray(S, x, xo + j);
      var vy = FloatVector.fromArray(S, y, yo + j);
      vx.fma(va, vy).intoArray(y, yo + j);
    }
    for (; j < n; j++) {
      y[yo + j] = Math.fma(alpha, x[xo + j], y[yo + j]);
    }
  }

  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    var acc = FloatVector.zero(S);
    int j = 0;
    for (int upper = S.loopBound(n); j < upper; j += S.length()) {
      acc = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; j < n; j++) {
      s = Math.fma(a[ao + j], b[bo + j], s);
    }
    return s;
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
