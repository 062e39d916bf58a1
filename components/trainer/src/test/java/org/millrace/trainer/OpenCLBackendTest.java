package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.millrace.testing.RequiredCapabilities;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.ConvGeometry;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.backend.opencl.OpenCLBackend;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/**
 * Every OpenCL kernel against its Java reference (the Java backend), on the first OpenCL device
 * (PoCL on the CPU in CI). Skipped, with a message, where this machine has no OpenCL platform.
 */
class OpenCLBackendTest {
  static OpenCLBackend cl;
  static JavaBackend java;

  @BeforeAll
  static void open() {
    List<OpenCLBackend.Found> devices = OpenCLBackend.devices();
    RequiredCapabilities.assume("opencl", !devices.isEmpty(), "no OpenCL platform on this machine (install ocl-icd-libopencl1 and"
        + " pocl-opencl-icd): OpenCL kernel tests skipped");
    cl = new OpenCLBackend(devices.get(0), 1 << 16, 1 << 14);
    java = new JavaBackend(2);
    System.out.println("OpenCL kernel tests on " + cl.description());
  }

  @AfterAll
  static void close() {
    if (cl != null) {
      cl.close();
      java.close();
    }
  }

  /** The same inputs on both backends; {@code op} runs on each; the named outputs are compared. */
  static void compare(String what, float tolerance, float[][] inputs, int[] outputSizes, OpBody op) {
    float[][] results = new float[2][];
    Backend[] backends = {java, cl};
    List<float[]> perBackend = new java.util.ArrayList<>();
    for (Backend b : backends) {
      Tensor[] in = new Tensor[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        in[i] = b.allocate(inputs[i].length);
        b.upload(inputs[i], in[i]);
      }
      Tensor[] out = new Tensor[outputSizes.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = b.allocate(outputSizes[i]);
      }
      op.run(b, in, out);
      int total = 0;
      for (int s : outputSizes) {
        total += s;
      }
      float[] all = new float[total];
      int at = 0;
      for (int i = 0; i < out.length; i++) {
        b.download(out[i], 0, all, at, outputSizes[i]);
        at += outputSizes[i];
      }
      perBackend.add(all);
    }
    results[0] = perBackend.get(0);
    results[1] = perBackend.get(1);
    for (int i = 0; i < results[0].length; i++) {
      float r = results[0][i];
      assertEquals(r, results[1][i], tolerance * Math.max(1, Math.abs(r)), what + " value " + i);
    }
  }

  @FunctionalInterface
  interface OpBody {
    void run(Backend b, Tensor[] in, Tensor[] out);
  }

  static float[] rnd(int n, long seed) {
    return NetworkTest.random(n, seed);
  }

  @Test
  void uploadDownloadCopyFillAndGrowth() {
    float[] big = rnd(100_000, 1);
    Tensor t = cl.allocate(big.length);
    cl.upload(big, t);
    // Growing the arena keeps what is on the device.
    Tensor huge = cl.allocate(300_000);
    cl.fill(huge, 2.5f, 300_000);
    assertArrayEquals(big, cl.download(t), 0f);
    Tensor c = cl.allocate(big.length);
    cl.copy(t, c, big.length);
    assertArrayEquals(big, cl.download(c), 0f);
    assertEquals(2.5f, cl.download(huge)[299_999], 0f);
  }

  /**
   * Aparapi passes a buffer's size as a 32-bit byte count: an arena of 2^29 floats (2^31 bytes)
   * reached the NVIDIA driver as a wrapped, negative size (CL_OUT_OF_HOST_MEMORY on an H200). A
   * request past the limit fails here, naming it, before any array is made.
   */
  @Test
  void theArenaStaysWithinAparapisThirtyTwoBitByteCount() {
    assertTrue(4L * OpenCLBackend.MAX_ARENA <= Integer.MAX_VALUE, "limit " + OpenCLBackend.MAX_ARENA);
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> cl.allocate(OpenCLBackend.MAX_ARENA));
    assertTrue(e.getMessage().contains("expected at most " + OpenCLBackend.MAX_ARENA + " floats (2 GiB"),
        e.getMessage());
  }

  @Test
  void matrixProductsInEveryTranspositionAndKernelVariant() {
    int m = 37;
    int k = 70;
    int n = 45;
    try {
      for (OpenCLBackend.GemmVariant variant : OpenCLBackend.GemmVariant.values()) {
        cl.gemmVariant(variant);
        products(m, k, n, variant);
      }
      // Several 64x64 tiles each way, ragged edges, a depth that is not a multiple of the tile depth.
      cl.gemmVariant(OpenCLBackend.GemmVariant.WIDE);
      products(131, 83, 150, OpenCLBackend.GemmVariant.WIDE);
      // Several 128x128 tiles each way, ragged edges, a depth that is not a multiple of 8.
      cl.gemmVariant(OpenCLBackend.GemmVariant.BIG);
      products(261, 83, 300, OpenCLBackend.GemmVariant.BIG);
    } finally {
      cl.gemmVariant(OpenCLBackend.GemmVariant.AUTO);
    }
  }

  private static void products(int m, int k, int n, OpenCLBackend.GemmVariant variant) {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (boolean acc : new boolean[] {false, true}) {
          compare("gemm " + variant + " " + m + "x" + n + "x" + k + " " + ta + tb + acc, 1e-4f,
              new float[][] {rnd(m * k, 2), rnd(k * n, 3), rnd(m * n, 4)}, new int[] {m * n}, (b, in, out) -> {
                b.copy(in[2], out[0], m * n);
                b.gemm(ta, tb, m, n, k, in[0], in[1], out[0], acc);
              });
        }
      }
    }
  }

  /**
   * The fused products (bias and activation in the forward product, the activation derivative in
   * the input-gradient product, the bias gradient as an extra row of the weight-gradient product)
   * against the Java backend's unfused operations, in every kernel variant, with ragged edges.
   */
  @Test
  void fusedProductsMatchTheUnfusedOperations() {
    int m = 70;
    int k = 37;
    int n = 45;
    try {
      for (OpenCLBackend.GemmVariant variant : OpenCLBackend.GemmVariant.values()) {
        cl.gemmVariant(variant);
        for (Activation act : new Activation[] {Activation.RELU, Activation.TANH, Activation.LINEAR}) {
          boolean linear = act == Activation.LINEAR;
          compare("gemm+bias+" + act + " " + variant, 1e-4f, new float[][] {rnd(m * k, 5), rnd(k * n, 6), rnd(n, 7)},
              new int[] {m * n, m * n}, (b, in, out) -> b.gemmBiasActivation(false, false, m, n, k, in[0], in[1],
                  in[2], act, out[0], linear ? out[0] : out[1]));
          compare("gemm*" + act + "' " + variant, 1e-4f, new float[][] {rnd(m * k, 8), rnd(n * k, 9), rnd(m * n, 10)},
              new int[] {m * n}, (b, in, out) -> b.gemmActivationBackward(false, true, m, n, k, in[0], in[1], in[2],
                  act, out[0]));
        }
        compare("weight gradient with bias " + variant, 1e-4f, new float[][] {rnd(m * k, 11), rnd(m * n, 12)},
            new int[] {k * n, n}, (b, in, out) -> b.weightGradient(in[0], in[1], m, k, n, out[0], out[1]));
        compare("weight gradient " + variant, 1e-4f, new float[][] {rnd(m * k, 13), rnd(m * n, 14)},
            new int[] {k * n}, (b, in, out) -> b.weightGradient(in[0], in[1], m, k, n, out[0], null));
      }
    } finally {
      cl.gemmVariant(OpenCLBackend.GemmVariant.AUTO);
    }
  }

  /**
   * Every product kernel computes the same floats (each output is one chain of fused multiply-adds
   * in depth order), epilogues included: the measured per-shape choice changes only the time, never
   * a trained model.
   */
  @Test
  void everyProductKernelGivesTheSameBits() {
    int m = 150;
    int k = 83;
    int n = 131;
    float[][] in = {rnd(m * k, 15), rnd(k * n, 16), rnd(n, 17), rnd(m * n, 18)};
    Tensor[] t = new Tensor[in.length];
    for (int i = 0; i < in.length; i++) {
      t[i] = cl.allocate(in[i].length);
      cl.upload(in[i], t[i]);
    }
    Tensor z = cl.allocate(m * n);
    Tensor a = cl.allocate(m * n);
    Tensor dk = cl.allocate(m * n);
    Tensor db = cl.allocate(n);
    List<List<float[]>> perVariant = new ArrayList<>();
    try {
      for (OpenCLBackend.GemmVariant v : List.of(OpenCLBackend.GemmVariant.SMALL, OpenCLBackend.GemmVariant.WIDE,
          OpenCLBackend.GemmVariant.BIG)) {
        cl.gemmVariant(v);
        List<float[]> out = new ArrayList<>();
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            cl.gemm(ta, tb, m, n, k, t[0], t[1], z, false);
            out.add(cl.download(z));
          }
        }
        cl.gemmBiasActivation(false, false, m, n, k, t[0], t[1], t[2], Activation.GELU, z, a);
        out.add(cl.download(z));
        out.add(cl.download(a));
        cl.gemmActivationBackward(false, false, m, n, k, t[0], t[1], t[3], Activation.SIGMOID, dk);
        out.add(cl.download(dk));
        cl.weightGradient(t[3], t[3], m, n, n, dk, db);
        out.add(cl.download(dk));
        out.add(cl.download(db));
        perVariant.add(out);
      }
    } finally {
      cl.gemmVariant(OpenCLBackend.GemmVariant.AUTO);
    }
    for (int v = 1; v < perVariant.size(); v++) {
      for (int i = 0; i < perVariant.get(0).size(); i++) {
        assertArrayEquals(perVariant.get(0).get(i), perVariant.get(v).get(i), 0f, "variant " + v + " output " + i);
      }
    }
  }

  /**
   * Under AUTO the first product of each shape times every kernel and keeps the fastest; later
   * products of that shape reuse the choice, and the timing launches are not counted as the step's.
   */
  @Test
  void theProductKernelIsChosenPerShapeByMeasurement() {
    try (var device = new OpenCLBackend(OpenCLBackend.devices().get(0), 1 << 16, 1 << 16)) {
      Tensor a = device.allocate(300 * 200);
      Tensor b = device.allocate(200 * 100);
      Tensor c = device.allocate(300 * 200);
      device.gemm(false, false, 300, 100, 200, a, b, c, false);
      device.gemm(false, true, 60, 10, 20, a, b, c, false);
      device.gemm(false, false, 300, 100, 200, a, b, c, false);
      var table = device.productTable();
      assertEquals(List.of(new OpenCLBackend.ProductShape(false, false, 300, 100, 200),
          new OpenCLBackend.ProductShape(false, true, 60, 10, 20)), List.copyOf(table.keySet()));
      for (OpenCLBackend.ProductChoice choice : table.values()) {
        assertEquals(3, choice.nanos().size(), "kernels timed: " + choice);
        long fastest = choice.nanos().values().stream().mapToLong(Long::longValue).min().orElseThrow();
        assertEquals(fastest, choice.nanos().get(choice.variant()), "the chosen kernel is the fastest: " + choice);
      }
      // Two shapes, three kernels, two timed runs each; the three real products are the launches.
      assertEquals(12, device.tuningLaunches());
      assertEquals(3, device.launches());
    }
  }

  /** A batch gathered on the device from the order uploaded there is the host's gather. */
  @Test
  void batchesAreGatheredOnTheDevice() {
    int rows = 50;
    int dim = 7;
    float[] order = new float[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = (i * 17 + 3) % rows;
    }
    compare("gather", 0f, new float[][] {rnd(rows * dim, 19), rnd(rows, 20), order}, new int[] {20 * dim, 20},
        (b, in, out) -> b.gatherBatch(in[0], in[1], dim, in[2], 13, 20, out[0], out[1]));
  }

  @Test
  void elementWiseKernels() {
    int rows = 13;
    int cols = 21;
    for (Activation act : Activation.values()) {
      compare("bias+" + act, 1e-5f, new float[][] {rnd(rows * cols, 5), rnd(cols, 6)}, new int[] {rows * cols,
          rows * cols}, (b, in, out) -> {
            b.copy(in[0], out[0], rows * cols);
            b.biasActivation(out[0], in[1], rows, cols, act, out[1]);
          });
      compare("backward " + act, 1e-5f, new float[][] {rnd(rows * cols, 7), rnd(rows * cols, 8)},
          new int[] {rows * cols}, (b, in, out) -> b.activationBackward(in[0], in[1], act, out[0], rows * cols));
    }
    // Fused backward over more rows than one block of the device's first pass (and a ragged last block).
    int tall = 75;
    for (Activation act : Activation.values()) {
      compare("fused backward " + act, 1e-4f, new float[][] {rnd(tall * cols, 15), rnd(tall * cols, 16)},
          new int[] {tall * cols, cols}, (b, in, out) -> {
            b.biasActivationBackward(in[0], in[1], tall, cols, act, out[0], out[1]);
            if (act == Activation.LINEAR) {
              b.copy(in[0], out[0], tall * cols);
            }
          });
    }
    compare("column sums", 1e-5f, new float[][] {rnd(rows * cols, 9), rnd(cols, 10)}, new int[] {cols, cols},
        (b, in, out) -> {
          b.columnSums(in[0], rows, cols, out[0], false);
          b.copy(in[1], out[1], cols);
          b.columnSums(in[0], rows, cols, out[1], true);
        });
    compare("softmax", 1e-5f, new float[][] {rnd(rows * cols, 11), rnd(rows * cols, 12)},
        new int[] {rows * cols, rows * cols}, (b, in, out) -> {
          b.softmax(in[0], rows, cols, out[0]);
          b.softmaxBackward(in[1], out[0], rows, cols, out[1]);
        });
    // Dropout masks are drawn from (seed, index): the same on both backends, exactly.
    compare("dropout", 0f, new float[][] {rnd(5000, 13), rnd(5000, 14)}, new int[] {5000, 5000, 5000},
        (b, in, out) -> {
          b.dropout(in[0], out[0], out[1], 5000, 0.3f, -123456789);
          b.multiply(out[0], in[1], out[2], 5000);
        });
  }

  @Test
  void lossesAndOptimizerSteps() {
    int rows = 17;
    for (Loss loss : Loss.values()) {
      int width = loss == Loss.SOFTMAX_CROSS_ENTROPY ? 5 : 1;
      float[] labels = NetworkTest.labels(loss, rows, 5);
      compare("loss " + loss, 1e-5f, new float[][] {rnd(rows * width, 15), labels}, new int[] {rows * width, 2},
          (b, in, out) -> b.loss(loss, in[0], in[1], rows, width, out[0], out[1]));
    }
    int n = 1000;
    float[] g = rnd(n, 16);
    assertEquals(java.sumSquares(up(java, g), n), cl.sumSquares(up(cl, g), n), 1e-3);
    for (boolean nesterov : new boolean[] {false, true}) {
      compare("sgd", 1e-5f, new float[][] {rnd(n, 17), g, rnd(n, 18)}, new int[] {n, n}, (b, in, out) -> {
        b.copy(in[0], out[0], n);
        b.copy(in[2], out[1], n);
        b.sgd(out[0], in[1], out[1], n, 0.1f, 0.9f, nesterov, 1e-3f, 0.5f);
      });
    }
    for (boolean decoupled : new boolean[] {false, true}) {
      compare("adam", 1e-5f, new float[][] {rnd(n, 19), g, rnd(n, 20), rnd(n, 21)}, new int[] {n, n, n},
          (b, in, out) -> {
            b.copy(in[0], out[0], n);
            b.copy(in[2], out[1], n);
            b.fill(out[2], 0.01f, n);
            for (int step = 1; step <= 3; step++) {
              b.adam(out[0], in[1], out[1], out[2], n, 1e-3f, 0.9f, 0.999f, 1e-7f, 1e-2f, decoupled,
                  (float) (1 - Math.pow(0.9, step)), (float) (1 - Math.pow(0.999, step)), 0.7f);
            }
          });
    }
    // Multi-tensor steps (one launch on the device): three tensors of different sizes, twice each, so
    // the second step reuses the offsets table; then other tensors, so it is replaced.
    int[] sizes = {70, 1, 333};
    int all = 70 + 1 + 333;
    for (boolean adam : new boolean[] {false, true}) {
      compare(adam ? "adamAll" : "sgdAll", 1e-5f, new float[][] {rnd(all, 22), rnd(all, 23), rnd(all, 24)},
          new int[] {all, all, all}, (b, in, out) -> {
            var p = new ArrayList<Tensor>();
            var gr = new ArrayList<Tensor>();
            var m = new ArrayList<Tensor>();
            var v = new ArrayList<Tensor>();
            int at = 0;
            float[] pv = b.download(in[0]);
            float[] gv = b.download(in[1]);
            float[] mv = b.download(in[2]);
            for (int size : sizes) {
              p.add(upSlice(b, pv, at, size));
              gr.add(upSlice(b, gv, at, size));
              m.add(upSlice(b, mv, at, size));
              v.add(b.allocate(size));
              at += size;
            }
            for (int step = 1; step <= 2; step++) {
              if (adam) {
                b.adamAll(p, gr, m, v, 1e-3f, 0.9f, 0.999f, 1e-7f, 1e-2f, step == 2,
                    (float) (1 - Math.pow(0.9, step)), (float) (1 - Math.pow(0.999, step)), 0.7f);
              } else {
                b.sgdAll(p, gr, m, 0.1f, 0.9f, step == 2, 1e-3f, 0.5f);
              }
            }
            // Another table: the first and last tensors only, swapped.
            var p2 = List.of(p.get(2), p.get(0));
            var g2 = List.of(gr.get(2), gr.get(0));
            var m2 = List.of(m.get(2), m.get(0));
            var v2 = List.of(v.get(2), v.get(0));
            if (adam) {
              b.adamAll(p2, g2, m2, v2, 1e-3f, 0.9f, 0.999f, 1e-7f, 0f, false, 0.271f, 0.003f, 1f);
            } else {
              b.sgdAll(p2, g2, m2, 0.1f, 0f, false, 0f, 1f);
            }
            float[][] result = new float[3][all];
            at = 0;
            for (int t = 0; t < sizes.length; t++) {
              b.download(p.get(t), 0, result[0], at, sizes[t]);
              b.download(m.get(t), 0, result[1], at, sizes[t]);
              b.download(v.get(t), 0, result[2], at, sizes[t]);
              at += sizes[t];
            }
            for (int r = 0; r < 3; r++) {
              b.upload(result[r], out[r]);
            }
          });
    }
  }

  /** A new tensor holding {@code size} values of {@code src} from {@code from}. */
  static Tensor upSlice(Backend b, float[] src, int from, int size) {
    Tensor t = b.allocate(size);
    b.upload(src, from, t, 0, size);
    return t;
  }

  static Tensor up(Backend b, float[] v) {
    Tensor t = b.allocate(v.length);
    b.upload(v, t);
    return t;
  }

  @Test
  void convolutionPoolingBatchNormAndEmbeddingKernels() {
    int rows = 3;
    for (boolean same : new boolean[] {false, true}) {
      var g = ConvGeometry.of(7, 6, 3, 3, 2, 2, same);
      int x = rows * g.inSize();
      int cols = rows * g.positions() * g.patchSize();
      compare("im2col/col2im same=" + same, 1e-5f, new float[][] {rnd(x, 22), rnd(cols, 23)}, new int[] {cols, x},
          (b, in, out) -> {
            b.im2col(in[0], rows, g, out[0]);
            b.col2im(in[1], rows, g, out[1]);
          });
    }
    var pool = ConvGeometry.of(6, 5, 4, 2, 2, 1, false);
    int outSize = rows * pool.positions() * pool.channels();
    compare("max pool", 0f, new float[][] {rnd(rows * pool.inSize(), 24), rnd(outSize, 25)},
        new int[] {outSize, outSize, rows * pool.inSize()}, (b, in, out) -> {
          b.maxPool(in[0], rows, pool, out[0], out[1]);
          b.maxPoolBackward(in[1], out[1], rows, pool, out[2]);
        });
    // Windows that do not overlap (the Java backend scatters instead of gathering), odd sizes
    // whose last row and column no window covers (their gradient is zero).
    var tiles = ConvGeometry.of(7, 5, 3, 2, 2, 2, false);
    int tileOut = rows * tiles.positions() * tiles.channels();
    float[] dirty = new float[rows * tiles.inSize()];
    for (int i = 0; i < dirty.length; i++) {
      dirty[i] = 7f;
    }
    // Ties, as after a ReLU: the first maximum in window order takes the gradient on both backends.
    float[] tied = rnd(rows * tiles.inSize(), 30);
    for (int i = 0; i < tied.length; i++) {
      tied[i] = Math.round(tied[i]);
    }
    compare("max pool 2x2 stride 2", 0f, new float[][] {tied, rnd(tileOut, 31), dirty},
        new int[] {tileOut, tileOut, rows * tiles.inSize()}, (b, in, out) -> {
          b.maxPool(in[0], rows, tiles, out[0], out[1]);
          b.copy(in[2], out[2], rows * tiles.inSize());
          b.maxPoolBackward(in[1], out[1], rows, tiles, out[2]);
        });
    int m = 40;
    int c = 6;
    compare("batch norm", 1e-4f, new float[][] {rnd(m * c, 26), rnd(c, 27), rnd(c, 28), rnd(m * c, 29)},
        new int[] {m * c, m * c, c, c, c, m * c, c, c, m * c}, (b, in, out) -> {
          b.fill(out[4], 1f, c);
          b.batchNormTrain(in[0], m, c, in[1], in[2], 1e-3f, 0.9f, out[2], out[0], out[1], out[3], out[4]);
          b.batchNormBackward(in[3], out[0], in[1], out[2], m, c, out[5], out[6], out[7]);
          b.batchNormInfer(in[0], m, c, in[1], in[2], out[3], out[4], 1e-3f, out[8]);
        });
    float[] ids = {0, 3, 1, 3, 2, 0, 4, 4, 1};
    int dim = 5;
    compare("embedding", 1e-6f, new float[][] {ids, rnd(5 * dim, 30), rnd(ids.length * dim, 31)},
        new int[] {ids.length * dim, 5 * dim}, (b, in, out) -> {
          b.embedding(in[0], ids.length, in[1], dim, out[0]);
          b.embeddingBackward(in[0], ids.length, in[2], dim, 5, out[1]);
        });
  }

  @Test
  void trainingOnOpenCLReachesTheAccuracyOfTheJavaBackend() throws Exception {
    double[] accuracy = new double[2];
    Backend[] backends = {java, new OpenCLBackend(OpenCLBackend.devices().get(0))};
    for (int i = 0; i < 2; i++) {
      var net = new Network(new int[] {8, 8, 1}, NetworkTest.cnn()).build(backends[i], 16);
      net.initialize(3);
      var opt = new Optimizer(Optimizer.Kind.ADAM, 0.01, 0, false, 0, 0.9, 0.999, 1e-7, 1.0);
      var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, NetworkTest.squares(240, 1),
          NetworkTest.squares(90, 2), Training.Options.of(6, 16, 3));
      accuracy[i] = r.history().get(r.bestEpoch() - 1).validationAccuracy();
    }
    backends[1].close();
    assertTrue(accuracy[1] > 0.9, "opencl accuracy " + accuracy[1]);
    assertEquals(accuracy[0], accuracy[1], 0.05, "java " + accuracy[0] + " vs opencl " + accuracy[1]);
  }

  /**
   * A training step of a three-layer MLP with Adam, with the training set on the device, is 12
   * launches and moves nothing: the batch gathered on the device (1), three products with bias and
   * activation fused (3), loss and its sum (2), per layer one weight-gradient product with the bias
   * gradient fused (3), two input-gradient products with the activation derivative of the layer
   * below fused (2), one optimizer step for all six tensors (1). With the set on the host, the
   * gather is two uploads of the batch and labels, in staging buffers sized to them. Guards against
   * launches or transfers creeping in; the two ways train the same weights, bit for bit.
   */
  @Test
  void aTrainingStepIsFewLaunchesAndMovesNothing() throws Exception {
    int batch = 200;
    int dim = 784;
    int rows = batch * 4;
    float[] x = rnd(rows * dim, 40);
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = i % 10;
    }
    var data = new org.millrace.trainer.data.DenseData(x, y, rows, dim);
    List<List<float[]>> weights = new ArrayList<>();
    for (boolean onDevice : new boolean[] {true, false}) {
      try (var device = new OpenCLBackend(OpenCLBackend.devices().get(0))) {
        device.keepDataOnDevice(onDevice);
        var net = Network.dense(dim, List.of(new org.millrace.trainer.nn.Dense(32, Activation.RELU),
            new org.millrace.trainer.nn.Dense(32, Activation.RELU), new org.millrace.trainer.nn.Dense(10,
                Activation.LINEAR))).build(device, batch);
        net.initialize(1);
        var opt = new Optimizer(Optimizer.Kind.ADAM, 1e-3, 0, false, 0, 0.9, 0.999, 1e-7, null);
        List<long[]> marks = new ArrayList<>();
        var options = new Training.Options(2, batch, 0, null, 0, null, 0, null, null,
            step -> marks.add(new long[] {device.launches(), device.stagedFloats()}));
        Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, data, options);
        assertEquals(8, marks.size());
        for (int i = 1; i < 4; i++) {
          long launches = marks.get(i)[0] - marks.get(i - 1)[0];
          long floats = marks.get(i)[1] - marks.get(i - 1)[1];
          assertEquals(onDevice ? 12 : 13, launches, "launches of step " + (i + 1) + " (data on device: " + onDevice
              + ")");
          // On the host: the batch (156,800 values) in a buffer of whole 64k units, the labels in the small one.
          assertEquals(onDevice ? 0 : 3 * 65536 + 65536, floats, "staged floats of step " + (i + 1)
              + " (data on device: " + onDevice + ")");
        }
        weights.add(net.values());
      }
    }
    for (int i = 0; i < weights.get(0).size(); i++) {
      assertArrayEquals(weights.get(1).get(i), weights.get(0).get(i), 0f, "tensor " + i);
    }
  }

  /**
   * Two data-parallel workers on OpenCL (the second opened as the Trainer opens it) train what one
   * does, and each computes the loss and gradients of its own half of every batch: the rows of
   * every training loss call are recorded per replica, so a regression where replica 0 trains every
   * whole batch (which gives the same final model) fails here.
   */
  @Test
  void dataParallelWorkersOnOpenCLTrainWhatOneWorkerTrains() throws Exception {
    List<List<float[]>> results = new ArrayList<>();
    List<List<Integer>> rowsPerReplica = new ArrayList<>();
    for (int workers : new int[] {1, 2}) {
      var first = new OpenCLBackend(OpenCLBackend.devices().get(0));
      List<Backend> backends = new ArrayList<>(List.of(first));
      for (int w = 1; w < workers; w++) {
        var other = org.millrace.trainer.component.Backends.openWorker(first, w, 1);
        assertTrue(other.reason().startsWith("worker 1: OpenCL device "), other.reason());
        backends.add(other.backend());
      }
      List<Network> nets = new ArrayList<>();
      List<Optimizer> opts = new ArrayList<>();
      List<List<Integer>> recorded = new ArrayList<>();
      for (Backend b : backends) {
        List<Integer> rows = new ArrayList<>();
        recorded.add(rows);
        var net = Network.dense(2, List.of(new org.millrace.trainer.nn.Dense(8, Activation.RELU),
            new org.millrace.trainer.nn.Dense(3, Activation.LINEAR))).build(trainingLossRows(b, rows), 16);
        net.initialize(5);
        nets.add(net);
        opts.add(new Optimizer(Optimizer.Kind.ADAM, 0.01, 0, false, 0, 0.9, 0.999, 1e-7, null));
      }
      Training.run(nets, Loss.SOFTMAX_CROSS_ENTROPY, opts, NetworkTest.blobs(100, 1), NetworkTest.blobs(30, 2),
          Training.Options.of(2, 16, 3));
      results.add(nets.get(0).values());
      if (workers == 2) {
        rowsPerReplica.addAll(recorded);
      }
      backends.forEach(Backend::close);
    }
    for (int i = 0; i < results.get(0).size(); i++) {
      assertArrayEquals(results.get(0).get(i), results.get(1).get(i), 1e-4f, "tensor " + i);
    }
    // 100 rows in batches of 16 (six of 16, one of 4), each cut in two: 8 + 8 and 2 + 2, for 2 epochs.
    List<Integer> halves = new ArrayList<>();
    for (int epoch = 0; epoch < 2; epoch++) {
      halves.addAll(List.of(8, 8, 8, 8, 8, 8, 2));
    }
    assertEquals(halves, rowsPerReplica.get(0), "rows of replica 0's training losses");
    assertEquals(halves, rowsPerReplica.get(1), "rows of replica 1's training losses");
  }

  /** {@code b}, recording the rows of each training loss (one with a gradient) into {@code rows}. */
  static Backend trainingLossRows(Backend b, List<Integer> rows) {
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (proxy, method, args) -> {
          if (method.getName().equals("loss") && args[5] != null) {
            rows.add((Integer) args[3]);
          }
          try {
            return method.invoke(b, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
