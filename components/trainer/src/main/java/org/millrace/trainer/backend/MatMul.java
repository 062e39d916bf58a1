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

  /** C = A (m x k) * B (k x n). */
  public void nn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    rows(m, (i0, i1) -> {
      for (int i = i0; i < i1; i++) {
        int ci = i * n;
        if (!accumulate) {
          java.util.Arrays.fill(c, ci, ci + n, 0f);
        }
        for (int p = 0; p < k; p++) {
          float aip = a[i * k + p];
          if (aip == 0f) {
            continue;
          }
          axpy(aip, b, p * n, c, ci, n);
        }
      }
    });
  }

  /** C = A^T * B where A is (k x m) and B is (k x n). */
  public void tn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    rows(m, (i0, i1) -> {
      for (int i = i0; i < i1; i++) {
        int ci = i * n;
        if (!accumulate) {
          java.util.Arrays.fill(c, ci, ci + n, 0f);
        }
        for (int p = 0; p < k; p++) {
          float api = a[p * m + i];
          if (api == 0f) {
            continue;
          }
          axpy(api, b, p * n, c, ci, n);
        }
      }
    });
  }

  /** C = A * B^T where A is (m x k) and B is (n x k). */
  public void nt(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    rows(m, (i0, i1) -> {
      for (int i = i0; i < i1; i++) {
        for (int j = 0; j < n; j++) {
          float d = dot(a, i * k, b, j * k, k);
          c[i * n + j] = accumulate ? c[i * n + j] + d : d;
        }
      }
    });
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

  private void rows(int m, RowBlock block) {
    int blocks = Math.min(m, threads * 4);
    if (threads == 1 || m < 16) {
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
