package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java backend's convolution and pooling passes against plain scalar loops written from their
 * definitions, bit for bit: channel counts with and without a vector tail (3, 16, 40), strides 1
 * and 2, "same" padding, pooling windows that overlap and windows that leave a border uncovered,
 * one thread and two (position ranges that start mid-row).
 */
class ConvOpsTest {
  private static final int ROWS = 3;

  @Test
  void im2colAndCol2imMatchTheirDefinitions() {
    for (int threads : new int[] {1, 2}) {
      JavaBackend backend = new JavaBackend(threads);
      try {
        for (int channels : new int[] {3, 16, 40}) {
          for (int stride : new int[] {1, 2}) {
            for (boolean same : new boolean[] {false, true}) {
              ConvGeometry g = ConvGeometry.of(9, 7, channels, 3, 3, stride, same);
              String what = g + ", " + threads + " threads";
              SplittableRandom random = new SplittableRandom(channels * 10L + stride);
              float[] x = random(random, ROWS * g.inSize());
              float[] cols = random(random, ROWS * g.positions() * g.patchSize());
              assertArrayEquals(im2col(x, g), run(backend, x, ROWS * g.positions() * g.patchSize(),
                  (in, out) -> backend.im2col(in, ROWS, g, out)), 0f, "im2col " + what);
              assertArrayEquals(col2im(cols, g), run(backend, cols, ROWS * g.inSize(),
                  (in, out) -> backend.col2im(in, ROWS, g, out)), 0f, "col2im " + what);
            }
          }
        }
      } finally {
        backend.close();
      }
    }
  }

  @Test
  void maxPoolAndItsBackwardMatchTheirDefinitions() {
    for (int threads : new int[] {1, 2}) {
      JavaBackend backend = new JavaBackend(threads);
      try {
        for (int channels : new int[] {3, 16, 40}) {
          // 2x2 stride 2 on 9x7 leaves a border; 3x3 stride 2 overlaps; 2x2 stride 1 overlaps.
          for (int[] w : new int[][] {{2, 2}, {3, 2}, {2, 1}}) {
            ConvGeometry g = ConvGeometry.of(9, 7, channels, w[0], w[0], w[1], false);
            String what = g + ", " + threads + " threads";
            SplittableRandom random = new SplittableRandom(channels + w[0] * 7L + w[1]);
            float[] x = random(random, ROWS * g.inSize());
            // Ties: a few equal values, where the first maximum in window order must win.
            for (int i = 0; i < x.length; i += 5) {
              x[i] = 0.5f;
            }
            int outs = ROWS * g.positions() * channels;
            float[] max = new float[outs];
            float[] arg = new float[outs];
            maxPool(x, g, max, arg);
            Tensor xt = tensor(backend, x);
            Tensor mt = backend.allocate(outs);
            Tensor at = backend.allocate(outs);
            backend.maxPool(xt, ROWS, g, mt, at);
            assertArrayEquals(max, backend.download(mt), 0f, "maxPool " + what);
            assertArrayEquals(arg, backend.download(at), 0f, "argmax " + what);
            float[] grad = random(random, outs);
            Tensor dx = backend.allocate(ROWS * g.inSize());
            backend.fill(dx, 7f, ROWS * g.inSize()); // overwritten everywhere, the uncovered border with zeros
            backend.maxPoolBackward(tensor(backend, grad), at, ROWS, g, dx);
            assertArrayEquals(maxPoolBackward(grad, arg, g), backend.download(dx), 0f, "maxPoolBackward " + what);
          }
        }
      } finally {
        backend.close();
      }
    }
  }

  @Test
  void columnSumsAddEachColumnOverTheRowsInOrder() {
    for (int threads : new int[] {1, 2}) {
      JavaBackend backend = new JavaBackend(threads);
      try {
        for (int cols : new int[] {10, 32, 40, 200, 530}) { // a tail, one or two vectors, four at a time
          for (boolean accumulate : new boolean[] {false, true}) {
            int rows = 3000;
            SplittableRandom random = new SplittableRandom(cols);
            float[] x = random(random, rows * cols);
            float[] start = random(random, cols);
            float[] expected = new float[cols];
            for (int j = 0; j < cols; j++) {
              float sum = 0;
              for (int r = 0; r < rows; r++) {
                sum += x[r * cols + j];
              }
              expected[j] = accumulate ? start[j] + sum : sum;
            }
            Tensor out = tensor(backend, start);
            backend.columnSums(tensor(backend, x), rows, cols, out, accumulate);
            assertArrayEquals(expected, backend.download(out), 0f, cols + " columns, accumulate=" + accumulate);
          }
        }
      } finally {
        backend.close();
      }
    }
  }

  private static float[] im2col(float[] x, ConvGeometry g) {
    int c = g.channels();
    float[] cols = new float[ROWS * g.positions() * g.patchSize()];
    for (int n = 0; n < ROWS; n++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        for (int ox = 0; ox < g.outW(); ox++) {
          int row = (n * g.outH() + oy) * g.outW() + ox;
          for (int ky = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
              int y = oy * g.stride() + ky - g.padTop();
              int xx = ox * g.stride() + kx - g.padLeft();
              for (int ch = 0; ch < c; ch++) {
                boolean inside = y >= 0 && y < g.height() && xx >= 0 && xx < g.width();
                cols[row * g.patchSize() + (ky * g.kw() + kx) * c + ch] =
                    inside ? x[((n * g.height() + y) * g.width() + xx) * c + ch] : 0f;
              }
            }
          }
        }
      }
    }
    return cols;
  }

  /** The adjoint of im2col, each input summing the entries copied from it in (ky, kx) order, from zero. */
  private static float[] col2im(float[] cols, ConvGeometry g) {
    int c = g.channels();
    float[] dx = new float[ROWS * g.inSize()];
    for (int n = 0; n < ROWS; n++) {
      for (int y = 0; y < g.height(); y++) {
        for (int xx = 0; xx < g.width(); xx++) {
          for (int ch = 0; ch < c; ch++) {
            float sum = 0;
            for (int ky = 0; ky < g.kh(); ky++) {
              for (int kx = 0; kx < g.kw(); kx++) {
                int ty = y + g.padTop() - ky;
                int tx = xx + g.padLeft() - kx;
                if (ty >= 0 && tx >= 0 && ty % g.stride() == 0 && tx % g.stride() == 0
                    && ty / g.stride() < g.outH() && tx / g.stride() < g.outW()) {
                  int row = (n * g.outH() + ty / g.stride()) * g.outW() + tx / g.stride();
                  sum += cols[row * g.patchSize() + (ky * g.kw() + kx) * c + ch];
                }
              }
            }
            dx[((n * g.height() + y) * g.width() + xx) * c + ch] = sum;
          }
        }
      }
    }
    return dx;
  }

  private static void maxPool(float[] x, ConvGeometry g, float[] max, float[] arg) {
    int c = g.channels();
    for (int n = 0; n < ROWS; n++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        for (int ox = 0; ox < g.outW(); ox++) {
          for (int ch = 0; ch < c; ch++) {
            int o = ((n * g.outH() + oy) * g.outW() + ox) * c + ch;
            for (int w = 0; w < g.kh() * g.kw(); w++) {
              int y = oy * g.stride() + w / g.kw();
              int xx = ox * g.stride() + w % g.kw();
              float v = x[((n * g.height() + y) * g.width() + xx) * c + ch];
              if (w == 0 || v > max[o]) {
                max[o] = v;
                arg[o] = w;
              }
            }
          }
        }
      }
    }
  }

  /** Each input sums, in (ky, kx) order, the gradients of the outputs whose maximum it was. */
  private static float[] maxPoolBackward(float[] grad, float[] arg, ConvGeometry g) {
    int c = g.channels();
    float[] dx = new float[ROWS * g.inSize()];
    for (int n = 0; n < ROWS; n++) {
      for (int y = 0; y < g.height(); y++) {
        for (int xx = 0; xx < g.width(); xx++) {
          for (int ch = 0; ch < c; ch++) {
            float sum = 0;
            for (int ky = 0; ky < g.kh(); ky++) {
              for (int kx = 0; kx < g.kw(); kx++) {
                int ty = y - ky;
                int tx = xx - kx;
                if (ty >= 0 && tx >= 0 && ty % g.stride() == 0 && tx % g.stride() == 0
                    && ty / g.stride() < g.outH() && tx / g.stride() < g.outW()) {
                  int o = ((n * g.outH() + ty / g.stride()) * g.outW() + tx / g.stride()) * c + ch;
                  if ((int) arg[o] == ky * g.kw() + kx) {
                    sum += grad[o];
                  }
                }
              }
            }
            dx[((n * g.height() + y) * g.width() + xx) * c + ch] = sum;
          }
        }
      }
    }
    return dx;
  }

  private interface Op {
    void run(Tensor in, Tensor out);
  }

  private static float[] run(Backend backend, float[] in, int outSize, Op op) {
    Tensor out = backend.allocate(outSize);
    backend.fill(out, 7f, outSize);
    op.run(tensor(backend, in), out);
    return backend.download(out);
  }

  private static Tensor tensor(Backend backend, float[] v) {
    Tensor t = backend.allocate(v.length);
    backend.upload(v, t);
    return t;
  }

  private static float[] random(SplittableRandom random, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextDouble(-1, 1);
    }
    return v;
  }
}
