package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java backend's fused products (the epilogue applied to each block of rows as it is finished) give the
 * same bits as the product followed by the separate pass, for every activation, with and without a
 * bias, in every layout, on shapes that take the packed and the in-place paths.
 */
class FusedProductsTest {
  private static final int[][] SHAPES = {{37, 53, 29}, {64, 1100, 64}, {130, 70, 300}, {50, 20, 10}};

  @Test
  void gemmBiasActivationIsTheProductThenTheBiasAndActivation() {
    JavaBackend backend = new JavaBackend(2);
    try {
      for (int[] s : SHAPES) {
        for (Activation act : Activation.values()) {
          for (boolean withBias : new boolean[] {false, true}) {
            for (int layout = 0; layout < 4; layout++) {
              boolean transA = (layout & 1) != 0;
              boolean transB = (layout & 2) != 0;
              int m = s[0];
              int k = s[1];
              int n = s[2];
              SplittableRandom random = new SplittableRandom(m + k + n + layout);
              Tensor a = tensor(backend, random, m * k);
              Tensor b = tensor(backend, random, k * n);
              Tensor bias = withBias ? tensor(backend, random, n) : null;
              Tensor z1 = backend.allocate(m * n);
              Tensor out1 = backend.allocate(m * n);
              backend.gemm(transA, transB, m, n, k, a, b, z1, false);
              backend.biasActivation(z1, bias, m, n, act, out1);
              Tensor z2 = backend.allocate(m * n);
              Tensor out2 = backend.allocate(m * n);
              backend.gemmBiasActivation(transA, transB, m, n, k, a, b, bias, act, z2, out2);
              String what = act + (withBias ? " with bias" : "") + " transA=" + transA + " transB=" + transB
                  + " m=" + m + " k=" + k + " n=" + n;
              assertArrayEquals(backend.download(z1), backend.download(z2), 0f, "z, " + what);
              assertArrayEquals(backend.download(out1), backend.download(out2), 0f, "out, " + what);
            }
          }
        }
      }
    } finally {
      backend.close();
    }
  }

  @Test
  void gemmActivationBackwardIsTheProductThenTheDerivative() {
    JavaBackend backend = new JavaBackend(2);
    try {
      for (int[] s : SHAPES) {
        for (Activation act : Activation.values()) {
          for (int layout = 0; layout < 4; layout++) {
            boolean transA = (layout & 1) != 0;
            boolean transB = (layout & 2) != 0;
            int m = s[0];
            int k = s[1];
            int n = s[2];
            SplittableRandom random = new SplittableRandom(m * k + n + layout);
            Tensor a = tensor(backend, random, m * k);
            Tensor b = tensor(backend, random, k * n);
            Tensor z = tensor(backend, random, m * n);
            Tensor c1 = backend.allocate(m * n);
            backend.gemm(transA, transB, m, n, k, a, b, c1, false);
            backend.activationBackward(c1, z, act, c1, m * n);
            Tensor c2 = backend.allocate(m * n);
            backend.gemmActivationBackward(transA, transB, m, n, k, a, b, z, act, c2);
            assertArrayEquals(backend.download(c1), backend.download(c2), 0f,
                act + " transA=" + transA + " transB=" + transB + " m=" + m + " k=" + k + " n=" + n);
          }
        }
      }
    } finally {
      backend.close();
    }
  }

  @Test
  void theReluDerivativeZeroesWhereZIsNotPositiveIncludingNaN() {
    JavaBackend backend = new JavaBackend(1);
    try {
      int n = 40; // two vectors and a scalar tail on AVX-512
      float[] g = new float[n];
      float[] z = new float[n];
      float[] expected = new float[n];
      for (int i = 0; i < n; i++) {
        g[i] = i + 1;
        z[i] = switch (i % 5) {
          case 0 -> -1f;
          case 1 -> 0f;
          case 2 -> -0f;
          case 3 -> Float.NaN;
          default -> 0.5f;
        };
        expected[i] = i % 5 == 4 ? g[i] : 0f;
      }
      Tensor dz = backend.allocate(n);
      Tensor gt = backend.allocate(n);
      Tensor zt = backend.allocate(n);
      backend.upload(g, gt);
      backend.upload(z, zt);
      backend.activationBackward(gt, zt, Activation.RELU, dz, n);
      assertArrayEquals(expected, backend.download(dz), 0f);
    } finally {
      backend.close();
    }
  }

  private static Tensor tensor(Backend backend, SplittableRandom random, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextDouble(-1, 1);
    }
    Tensor t = backend.allocate(size);
    backend.upload(v, t);
    return t;
  }
}
