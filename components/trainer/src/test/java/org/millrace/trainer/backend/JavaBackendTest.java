package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java backend beyond its products: copies, which it splits over its threads when large (a
 * training batch), every value landing where a single array copy would put it, offsets included,
 * and nothing beside it moving, and a range past either end refused before anything moves; and the
 * loss, summed row after row in chunks of 64 rows, the chunks' sums added in order into the
 * accumulator whatever the thread count, the gradient the same at 1, 2 and 3 threads.
 */
class JavaBackendTest {
  @Test
  void largeAndSmallCopiesMoveExactlyTheirRange() {
    for (int threads : new int[] {1, 2, 3}) {
      JavaBackend backend = new JavaBackend(threads);
      try {
        for (int length : new int[] {5, (1 << 18) - 1, 1 << 18, 802_816 + 3}) {
          SplittableRandom random = new SplittableRandom(length);
          float[] src = new float[length + 11];
          for (int i = 0; i < src.length; i++) {
            src[i] = (float) random.nextDouble();
          }
          Tensor t = backend.allocate(length + 20);
          backend.fill(t, -1f, length + 20);
          backend.upload(src, 7, t, 13, length);
          float[] expected = new float[length + 20];
          Arrays.fill(expected, -1f);
          System.arraycopy(src, 7, expected, 13, length);
          String what = length + " floats, " + threads + " threads";
          assertArrayEquals(expected, backend.download(t), 0f, "upload, " + what);

          Tensor copied = backend.allocate(length + 20);
          backend.copy(t, copied, length + 20);
          assertArrayEquals(expected, backend.download(copied), 0f, "copy, " + what);

          float[] back = new float[length + 5];
          Arrays.fill(back, 9f);
          backend.download(t, 13, back, 2, length);
          float[] expectedBack = new float[length + 5];
          Arrays.fill(expectedBack, 9f);
          System.arraycopy(src, 7, expectedBack, 2, length);
          assertArrayEquals(expectedBack, back, 0f, "download, " + what);
        }
      } finally {
        backend.close();
      }
    }
  }

  @Test
  void aCopyPastEitherEndMovesNothing() {
    JavaBackend backend = new JavaBackend(2);
    try {
      int length = 1 << 19; // split over the threads when in range
      float[] src = new float[length];
      Arrays.fill(src, 5f);
      Tensor t = backend.allocate(length);
      backend.fill(t, -1f, length);
      float[] untouched = backend.download(t);
      assertThrows(IndexOutOfBoundsException.class, () -> backend.upload(src, 1, t, 0, length));
      assertThrows(IndexOutOfBoundsException.class, () -> backend.upload(src, 0, t, 1, length));
      assertThrows(IndexOutOfBoundsException.class, () -> backend.upload(src, 0, t, -1, length - 1));
      assertArrayEquals(untouched, backend.download(t), 0f, "the tensor after refused uploads");
      float[] back = new float[length];
      assertThrows(IndexOutOfBoundsException.class, () -> backend.download(t, 1, back, 0, length));
      assertArrayEquals(new float[length], back, 0f, "the array after a refused download");
      Tensor small = backend.allocate(length - 1);
      assertThrows(IndexOutOfBoundsException.class, () -> backend.copy(t, small, length));
      assertArrayEquals(new float[length - 1], backend.download(small), 0f, "the tensor after a refused copy");
    } finally {
      backend.close();
    }
  }

  @Test
  void theLossAddsEachRowsLossAndHitsOverCalls() {
    for (Loss loss : Loss.values()) {
      int width = loss == Loss.SOFTMAX_CROSS_ENTROPY ? 10 : 1;
      int rows = 5000;
      SplittableRandom random = new SplittableRandom(width);
      // Two batches: the second call must not see the first's per-row values.
      float[][] outs = new float[2][rows * width];
      float[][] labels = new float[2][rows];
      for (int b = 0; b < 2; b++) {
        for (int i = 0; i < outs[b].length; i++) {
          outs[b][i] = (float) (random.nextDouble() * 8 - 4);
        }
        for (int r = 0; r < rows; r++) {
          labels[b][r] = loss == Loss.SOFTMAX_CROSS_ENTROPY ? random.nextInt(width)
              : loss == Loss.BINARY_CROSS_ENTROPY ? random.nextInt(2) : (float) random.nextDouble();
        }
      }
      float[] expected = {0.5f, 3f};
      for (int b = 0; b < 2; b++) {
        double[] sums = reference(loss, outs[b], labels[b], rows, width);
        expected[0] += (float) sums[0];
        expected[1] += (float) sums[1];
      }
      float[] firstGrad = null;
      for (int threads : new int[] {1, 2, 3}) {
        JavaBackend backend = new JavaBackend(threads);
        try {
          Tensor grad = backend.allocate(rows * width);
          Tensor acc = backend.allocate(2);
          backend.upload(new float[] {0.5f, 3f}, acc);
          for (int b = 0; b < 2; b++) {
            Tensor o = backend.allocate(rows * width);
            backend.upload(outs[b], o);
            Tensor y = backend.allocate(rows);
            backend.upload(labels[b], y);
            backend.loss(loss, o, y, rows, width, grad, acc);
          }
          assertArrayEquals(expected, backend.download(acc), 0f, loss + ", " + threads + " threads");
          float[] g = backend.download(grad);
          if (firstGrad == null) {
            firstGrad = g;
          }
          assertArrayEquals(firstGrad, g, 0f, loss + " gradient, " + threads + " threads against 1");
        } finally {
          backend.close();
        }
      }
    }
  }

  /**
   * One row after another, each row's loss added to a double per chunk of 64 rows, the chunks'
   * sums added in order; and the rows predicted right.
   */
  private static double[] reference(Loss loss, float[] out, float[] labels, int rows, int width) {
    double total = 0;
    double chunk = 0;
    int correct = 0;
    for (int r = 0; r < rows; r++) {
      if (r % 64 == 0) {
        total += chunk;
        chunk = 0;
      }
      int o = r * width;
      if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
        float max = Float.NEGATIVE_INFINITY;
        int arg = 0;
        for (int j = 0; j < width; j++) {
          if (out[o + j] > max) {
            max = out[o + j];
            arg = j;
          }
        }
        float sum = 0;
        for (int j = 0; j < width; j++) {
          sum += (float) Math.exp(out[o + j] - max);
        }
        chunk += (float) Math.log(sum) + max - out[o + (int) labels[r]];
        correct += arg == (int) labels[r] ? 1 : 0;
      } else if (loss == Loss.BINARY_CROSS_ENTROPY) {
        float z = out[o];
        chunk += Math.max(z, 0f) - z * labels[r] + (float) Math.log1p(Math.exp(-Math.abs(z)));
        correct += (z > 0) == (labels[r] > 0.5f) ? 1 : 0;
      } else {
        float diff = out[o] - labels[r];
        chunk += diff * diff;
      }
    }
    return new double[] {total + chunk, correct};
  }
}
