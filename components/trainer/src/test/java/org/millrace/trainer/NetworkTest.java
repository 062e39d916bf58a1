package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.MatMul;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.nn.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.nn.Training;

class NetworkTest {
  static float[] random(int n, long seed) {
    var r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  @Test
  void matmulVariantsMatchTheNaiveProductForAnyThreadCount() {
    int m = 37;
    int k = 53;
    int n = 29;
    float[] a = random(m * k, 1);
    float[] b = random(k * n, 2);
    float[] expected = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
        }
        expected[i * n + j] = (float) s;
      }
    }
    float[] at = transpose(a, m, k);
    float[] bt = transpose(b, k, n);
    for (int threads : new int[] {1, 3}) {
      var mm = new MatMul(threads);
      float[] c1 = new float[m * n];
      mm.nn(a, b, c1, m, k, n, false);
      float[] c2 = new float[m * n];
      mm.tn(at, b, c2, m, k, n, false);
      float[] c3 = new float[m * n];
      mm.nt(a, bt, c3, m, k, n, false);
      assertArrayEquals(expected, c1, 1e-4f);
      assertArrayEquals(expected, c2, 1e-4f);
      assertArrayEquals(expected, c3, 1e-4f);
    }
    float[] one = new float[m * n];
    float[] three = new float[m * n];
    new MatMul(1).nn(a, b, one, m, k, n, false);
    new MatMul(3).nn(a, b, three, m, k, n, false);
    assertArrayEquals(one, three, 0f);
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

  /** Finite differences (in double around float parameters) against backprop, for every activation and loss. */
  @Test
  void gradientsMatchFiniteDifferences() {
    for (Activation act : Activation.values()) {
      for (Loss loss : Loss.values()) {
        int outW = loss == Loss.SOFTMAX_CROSS_ENTROPY ? 3 : 1;
        var net = new Network(List.of(new Dense(4, 5, act, 0f), new Dense(5, outW, Activation.LINEAR, 0f)),
            new MatMul(1));
        net.initialize(3);
        int rows = 6;
        float[] x = random(rows * 4, 9);
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
          y[r] = loss == Loss.SOFTMAX_CROSS_ENTROPY ? r % 3 : loss == Loss.BINARY_CROSS_ENTROPY ? r % 2 : r * 0.3f;
        }
        float[] out = net.forward(x, rows, null);
        float[] grad = new float[out.length];
        loss.lossAndGradient(out, y, rows, outW, grad);
        net.backward(grad, rows);
        List<float[]> params = net.parameters();
        List<float[]> grads = net.gradients().stream().map(float[]::clone).toList();
        for (int t = 0; t < params.size(); t++) {
          float[] p = params.get(t);
          for (int i = 0; i < p.length; i += 3) {
            float saved = p[i];
            float h = 1e-2f;
            p[i] = saved + h;
            double up = loss.lossAndGradient(net.forward(x, rows, null), y, rows, outW, new float[out.length]);
            p[i] = saved - h;
            double down = loss.lossAndGradient(net.forward(x, rows, null), y, rows, outW, new float[out.length]);
            p[i] = saved;
            double numeric = (up - down) / (2 * h);
            double analytic = grads.get(t)[i];
            // ReLU-like kinks make finite differences meaningless exactly at 0; tolerance covers float noise.
            assertEquals(numeric, analytic, 2e-3 + 2e-2 * Math.abs(numeric),
                act + "/" + loss + " parameter " + t + "[" + i + "]");
          }
        }
      }
    }
  }

  static DenseData blobs(int rows, long seed) {
    var r = new SplittableRandom(seed);
    float[] x = new float[rows * 2];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int c = i % 3;
      x[2 * i] = (float) (c * 3 + r.nextGaussian());
      x[2 * i + 1] = (float) (c % 2 * 3 + r.nextGaussian());
      y[i] = c;
    }
    return new DenseData(x, y, rows, 2);
  }

  static Network train(int threads, long seed) {
    var net = new Network(List.of(new Dense(2, 16, Activation.RELU, 0.1f), new Dense(16, 3, Activation.LINEAR, 0f)),
        new MatMul(threads));
    net.initialize(seed);
    var opt = new Optimizer(Optimizer.Kind.ADAM, 0.01, 0, false, 0, 0.9, 0.999, 1e-7, 1.0);
    var result = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, blobs(300, 1), blobs(150, 2), 15, 32, seed, null,
        0, m -> { });
    assertTrue(result.history().get(result.bestEpoch() - 1).validationAccuracy() > 0.9, result.toString());
    return net;
  }

  @Test
  void sameSeedSameWeightsWhateverTheThreads() {
    Network a = train(1, 5);
    Network b = train(2, 5);
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i), b.parameters().get(i), 0f);
    }
    Network c = train(1, 6);
    assertTrue(c.parameters().get(0)[0] != a.parameters().get(0)[0], "another seed gives other weights");
  }

  @Test
  void optimizersReduceTheLoss() {
    for (Optimizer.Kind kind : Optimizer.Kind.values()) {
      var net = new Network(List.of(new Dense(2, 8, Activation.TANH, 0f), new Dense(8, 3, Activation.LINEAR, 0f)),
          new MatMul(1));
      net.initialize(1);
      var opt = new Optimizer(kind, kind == Optimizer.Kind.SGD ? 0.1 : 0.01, 0.9, true, 1e-4, 0.9, 0.999, 1e-7, null);
      var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, blobs(300, 1), blobs(150, 2), 10, 32, 1, 3, 0,
          m -> { });
      var h = r.history();
      assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss() * 0.8, kind + " " + h);
    }
  }

  @Test
  void mismatchedLayersAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Network(List.of(new Dense(2, 4, Activation.RELU, 0f),
        new Dense(3, 1, Activation.LINEAR, 0f)), new MatMul(1)));
    assertEquals("layers[1] expected 4 inputs (the outputs of layers[0]), got 3", e.getMessage());
  }
}
