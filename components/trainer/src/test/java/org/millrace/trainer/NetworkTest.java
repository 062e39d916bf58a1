package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.ActivationLayer;
import org.millrace.trainer.nn.BatchNorm;
import org.millrace.trainer.nn.Conv2D;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Dropout;
import org.millrace.trainer.fit.EpochMetrics;
import org.millrace.trainer.nn.Embedding;
import org.millrace.trainer.nn.Flatten;
import org.millrace.trainer.nn.Layer;
import org.millrace.trainer.nn.Layers;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.MaxPool2D;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.nn.Param;
import org.millrace.trainer.nn.Softmax;
import org.millrace.trainer.fit.Training;

class NetworkTest {
  @TempDir
  Path dir;

  static float[] random(int n, long seed) {
    var r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  static float[] labels(Loss loss, int rows, int classes) {
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = loss == Loss.SOFTMAX_CROSS_ENTROPY ? r % classes : loss == Loss.BINARY_CROSS_ENTROPY ? r % 2 : r * 0.3f;
    }
    return y;
  }

  /** Mean loss of the network (training mode, fixed seed) on x. */
  static double lossAt(Network net, Loss loss, float[] x, float[] y, int rows) {
    Backend b = net.backend();
    b.upload(x, net.input());
    Tensor labels = b.allocate(rows);
    b.upload(y, labels);
    Tensor acc = b.allocate(2);
    b.loss(loss, net.forward(rows, true, 77), labels, rows, net.outputSize(), null, acc);
    return b.download(acc)[0] / rows;
  }

  /**
   * Central finite differences of the loss against backprop for every parameter (every
   * {@code stride}-th value), checking each layer's input gradient through the layers below it.
   */
  static void checkGradients(String what, Network net, Loss loss, float[] x, float[] y, int rows, double h, int stride) {
    Backend b = net.backend();
    b.upload(x, net.input());
    Tensor labels = b.allocate(rows);
    b.upload(y, labels);
    Tensor grad = b.allocate(rows * net.outputSize());
    Tensor acc = b.allocate(2);
    b.loss(loss, net.forward(rows, true, 77), labels, rows, net.outputSize(), grad, acc);
    net.backward(grad, rows);
    List<Param> params = net.parameters();
    int checked = 0;
    for (Param p : params) {
      float[] value = b.download(p.value());
      float[] analytic = b.download(p.grad());
      for (int i = 0; i < value.length; i += stride) {
        float saved = value[i];
        value[i] = (float) (saved + h);
        b.upload(value, p.value());
        double up = lossAt(net, loss, x, y, rows);
        value[i] = (float) (saved - h);
        b.upload(value, p.value());
        double down = lossAt(net, loss, x, y, rows);
        value[i] = saved;
        b.upload(value, p.value());
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, analytic[i], 2e-3 + 3e-2 * Math.abs(numeric), what + " " + p.name() + "[" + i + "]");
        checked++;
      }
    }
    assertTrue(checked > 0, what);
  }

  static Network built(int[] shape, List<Layer> layers, int rows, long seed) {
    var net = new Network(shape, layers).build(new JavaBackend(1), rows);
    net.initialize(seed);
    return net;
  }

  @Test
  void denseGradientsMatchFiniteDifferencesForEveryActivationAndLoss() {
    for (Activation act : Activation.values()) {
      for (Loss loss : Loss.values()) {
        int outW = loss == Loss.SOFTMAX_CROSS_ENTROPY ? 3 : 1;
        int rows = 6;
        var net = built(new int[] {4}, List.of(new Dense(5, act), new Dense(outW, Activation.LINEAR)), rows, 3);
        checkGradients(act + "/" + loss, net, loss, random(rows * 4, 9), labels(loss, rows, 3), rows, 1e-2, 3);
      }
    }
  }

  @Test
  void layerGradientsMatchFiniteDifferences() {
    int rows = 5;
    float[] x = random(rows * 6, 4);
    float[] y = labels(Loss.SOFTMAX_CROSS_ENTROPY, rows, 3);
    for (Activation act : Activation.values()) {
      checkGradients("activation layer " + act, built(new int[] {6}, List.of(new Dense(7, Activation.LINEAR),
          new ActivationLayer(act), new Dense(3, Activation.LINEAR)), rows, 1), Loss.SOFTMAX_CROSS_ENTROPY, x, y, rows,
          1e-2, 2);
    }
    checkGradients("softmax", built(new int[] {6}, List.of(new Dense(4, Activation.LINEAR), new Softmax(),
        new Dense(3, Activation.LINEAR)), rows, 2), Loss.SOFTMAX_CROSS_ENTROPY, x, y, rows, 1e-2, 1);
    checkGradients("dropout", built(new int[] {6}, List.of(new Dense(8, Activation.TANH), new Dropout(0.4f),
        new Dense(3, Activation.LINEAR)), rows, 3), Loss.SOFTMAX_CROSS_ENTROPY, x, y, rows, 1e-2, 1);
    checkGradients("batch_norm", built(new int[] {6}, List.of(new Dense(4, Activation.LINEAR),
        new BatchNorm(0.9f, 1e-3f), new Dense(3, Activation.LINEAR)), rows, 4), Loss.SOFTMAX_CROSS_ENTROPY, x, y, rows,
        1e-2, 1);
    // Ids with repeats: gradients of one table row add up.
    float[] ids = {0, 1, 2, 1, 4, 4, 3, 0, 2, 2, 1, 4};
    checkGradients("embedding", built(new int[] {3}, List.of(new Embedding(5, 2), new Flatten(),
        new Dense(3, Activation.LINEAR)), 4, 5), Loss.SOFTMAX_CROSS_ENTROPY, ids, labels(Loss.SOFTMAX_CROSS_ENTROPY, 4, 3),
        4, 1e-2, 1);
  }

  @Test
  void convolutionAndPoolingGradientsMatchFiniteDifferences() {
    int rows = 3;
    float[] img = random(rows * 6 * 5 * 2, 6);
    float[] y = labels(Loss.SOFTMAX_CROSS_ENTROPY, rows, 3);
    // valid, stride 1; same, stride 2 (asymmetric padding); pooling with stride < window (overlaps).
    var net = built(new int[] {6, 5, 2}, List.of(
        new Conv2D(3, 3, 2, 1, "valid", Activation.TANH),
        new Conv2D(4, 3, 3, 2, "same", Activation.LINEAR),
        new BatchNorm(0.99f, 1e-3f),
        new MaxPool2D(2, 2, 1),
        new Flatten(),
        new Dense(3, Activation.LINEAR)), rows, 8);
    assertArrayEquals(new int[] {2, 2, 4}, net.layers().get(3).inputShape());
    checkGradients("conv/pool", net, Loss.SOFTMAX_CROSS_ENTROPY, img, y, rows, 1e-2, 1);
  }

  @Test
  void im2colAndCol2imAreAdjoint() {
    // <im2col(x), c> == <x, col2im(c)> for any x, c: the backward of the copy is exactly its adjoint.
    var b = new JavaBackend(2);
    var g = org.millrace.trainer.backend.ConvGeometry.of(7, 6, 3, 3, 4, 2, true);
    int rows = 2;
    float[] x = random(rows * g.inSize(), 1);
    float[] c = random(rows * g.positions() * g.patchSize(), 2);
    Tensor xt = b.allocate(x.length);
    Tensor ct = b.allocate(c.length);
    Tensor cols = b.allocate(c.length);
    Tensor dx = b.allocate(x.length);
    b.upload(x, xt);
    b.upload(c, ct);
    b.im2col(xt, rows, g, cols);
    b.col2im(ct, rows, g, dx);
    double left = 0;
    float[] colsV = b.download(cols);
    for (int i = 0; i < c.length; i++) {
      left += (double) colsV[i] * c[i];
    }
    double right = 0;
    float[] dxV = b.download(dx);
    for (int i = 0; i < x.length; i++) {
      right += (double) x[i] * dxV[i];
    }
    assertEquals(left, right, 1e-4 * Math.abs(left));
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

  /** 8x8 one-channel images: a bright 3x3 square in one of three regions, plus noise. */
  static DenseData squares(int rows, long seed) {
    var r = new SplittableRandom(seed);
    float[] x = new float[rows * 64];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int c = i % 3;
      for (int p = 0; p < 64; p++) {
        x[i * 64 + p] = (float) (r.nextGaussian() * 0.3);
      }
      int oy = c == 0 ? 0 : 4;
      int ox = c == 2 ? 4 : 0;
      for (int dy = 0; dy < 3; dy++) {
        for (int dx = 0; dx < 3; dx++) {
          x[i * 64 + (oy + dy + r.nextInt(2)) * 8 + ox + dx + r.nextInt(2)] += 1.5f;
        }
      }
      y[i] = c;
    }
    return new DenseData(x, y, rows, 64);
  }

  static List<Layer> cnn() {
    return List.of(new Conv2D(4, 3, 3, 1, "same", Activation.RELU), new BatchNorm(0.9f, 1e-3f), new MaxPool2D(2, 2, 2),
        new Flatten(), new Dense(16, Activation.RELU), new Dropout(0.2f), new Dense(3, Activation.LINEAR));
  }

  static Optimizer adam() {
    return new Optimizer(Optimizer.Kind.ADAM, 0.01, 0, false, 0, 0.9, 0.999, 1e-7, 1.0);
  }

  static Network trainBlobs(int threads, long seed) throws Exception {
    var net = new Network(new int[] {2}, List.of(new Dense(16, Activation.RELU), new Dropout(0.1f),
        new Dense(3, Activation.LINEAR))).build(new JavaBackend(threads), 32);
    net.initialize(seed);
    var result = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, adam(), blobs(300, 1), blobs(150, 2),
        Training.Options.of(15, 32, seed));
    assertTrue(result.history().get(result.bestEpoch() - 1).validationAccuracy() > 0.9, result.toString());
    return net;
  }

  @Test
  void sameSeedSameWeightsWhateverTheThreads() throws Exception {
    List<float[]> a = trainBlobs(1, 5).values();
    List<float[]> b = trainBlobs(2, 5).values();
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), 0f);
    }
    assertTrue(trainBlobs(1, 6).values().get(0)[0] != a.get(0)[0], "another seed gives other weights");
  }

  @Test
  void aSmallCnnLearnsAndIsDeterministicAcrossThreads() throws Exception {
    List<List<float[]>> runs = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      var net = new Network(new int[] {8, 8, 1}, cnn()).build(new JavaBackend(threads), 16);
      net.initialize(3);
      var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, adam(), squares(240, 1), squares(90, 2),
          Training.Options.of(6, 16, 3));
      assertTrue(r.history().get(r.bestEpoch() - 1).validationAccuracy() > 0.9, r.toString());
      runs.add(net.values());
    }
    for (int i = 0; i < runs.get(0).size(); i++) {
      assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), 0f, "tensor " + i);
    }
  }

  @Test
  void optimizersReduceTheLoss() throws Exception {
    for (Optimizer.Kind kind : Optimizer.Kind.values()) {
      var net = new Network(new int[] {2}, List.of(new Dense(8, Activation.TANH), new Dense(3, Activation.LINEAR)))
          .build(new JavaBackend(1), 32);
      net.initialize(1);
      var opt = new Optimizer(kind, kind == Optimizer.Kind.SGD ? 0.1 : 0.01, 0.9, true, 1e-4, 0.9, 0.999, 1e-7, null);
      var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, blobs(300, 1), blobs(150, 2),
          Training.Options.of(10, 32, 1).withEarlyStopping(3, 0));
      var h = r.history();
      assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss() * 0.8, kind + " " + h);
    }
  }

  /** A simulated crash: thrown from the step hook. */
  static final class Crash extends RuntimeException {
    Crash(long step) {
      super("crash after step " + step);
    }
  }

  Training.Result cnnRun(Path checkpoints, int every, long crashAfter, Integer patience, List<List<float[]>> weights)
      throws Exception {
    var net = new Network(new int[] {8, 8, 1}, cnn()).build(new JavaBackend(2), 16);
    net.initialize(11);
    var options = Training.Options.of(5, 16, 11).withEarlyStopping(patience, 0.0)
        .withCheckpoints(checkpoints, every, "same-config")
        .afterStep(s -> {
          if (s == crashAfter) {
            throw new Crash(s);
          }
        });
    var opt = new Optimizer(Optimizer.Kind.ADAMW, 0.01, 0, false, 1e-3, 0.9, 0.999, 1e-7, 1.0);
    var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, squares(100, 1), squares(45, 2), options);
    weights.add(net.values());
    return r;
  }

  static List<EpochMetrics> withoutTimes(List<EpochMetrics> h) {
    return h.stream().map(m -> new EpochMetrics(m.epoch(), m.trainLoss(), m.validationLoss(), m.validationAccuracy(), 0))
        .toList();
  }

  @Test
  void resumingFromACheckpointGivesTheUninterruptedResultBitForBit() throws Exception {
    var reference = new ArrayList<List<float[]>>();
    Training.Result full = cnnRun(dir.resolve("full"), 4, -1, null, reference);
    assertEquals(0, full.resumedFromStep());
    // 100 rows / 16 = 7 steps per epoch. Crash mid-epoch (step 10, checkpoint at 8), right after an
    // epoch-end checkpoint (step 15, checkpoint at 14), and twice in a row.
    for (long[] crashes : new long[][] {{10}, {15}, {9, 27}}) {
      Path ck = dir.resolve("crash-" + crashes[0]);
      var weights = new ArrayList<List<float[]>>();
      for (long c : crashes) {
        var e = assertThrows(Crash.class, () -> cnnRun(ck, 4, c, null, weights));
        assertEquals("crash after step " + c, e.getMessage());
      }
      Training.Result resumed = cnnRun(ck, 4, -1, null, weights);
      assertTrue(resumed.resumedFromStep() > 0, "resumed from a checkpoint");
      assertEquals(withoutTimes(full.history()), withoutTimes(resumed.history()));
      assertEquals(full.steps(), resumed.steps());
      for (int i = 0; i < reference.get(0).size(); i++) {
        assertArrayEquals(reference.get(0).get(i), weights.get(0).get(i), 0f, "tensor " + i + ", crashes "
            + java.util.Arrays.toString(crashes));
      }
    }
    // A finished run's checkpoint gives its result without training again.
    var again = new ArrayList<List<float[]>>();
    Training.Result done = cnnRun(dir.resolve("full"), 4, 1, null, again);
    assertEquals(withoutTimes(full.history()), withoutTimes(done.history()));
    assertArrayEquals(reference.get(0).get(0), again.get(0).get(0), 0f);
  }

  @Test
  void aCheckpointOfAnotherConfigurationIsNotResumed() throws Exception {
    Path ck = dir.resolve("ck");
    assertThrows(Crash.class, () -> cnnRun(ck, 2, 5, null, new ArrayList<>()));
    var net = new Network(new int[] {8, 8, 1}, cnn()).build(new JavaBackend(1), 16);
    net.initialize(11);
    var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, adam(), squares(100, 1), squares(45, 2),
        Training.Options.of(1, 16, 11).withCheckpoints(ck, 2, "other-config"));
    assertEquals(0, r.resumedFromStep());
    assertEquals(7, r.steps());
    assertTrue(Files.readString(ck.resolve("LATEST")).startsWith("step-7"));
  }

  @Test
  void earlyStoppingStateSurvivesAResume() throws Exception {
    var reference = new ArrayList<List<float[]>>();
    Training.Result full = cnnRun(dir.resolve("es-full"), 3, -1, 1, reference);
    var weights = new ArrayList<List<float[]>>();
    assertThrows(Crash.class, () -> cnnRun(dir.resolve("es"), 3, 12, 1, weights));
    Training.Result resumed = cnnRun(dir.resolve("es"), 3, -1, 1, weights);
    assertEquals(withoutTimes(full.history()), withoutTimes(resumed.history()));
    assertEquals(full.bestEpoch(), resumed.bestEpoch());
    assertEquals(full.stoppedEarly(), resumed.stoppedEarly());
    for (int i = 0; i < reference.get(0).size(); i++) {
      assertArrayEquals(reference.get(0).get(i), weights.get(0).get(i), 0f);
    }
  }

  @Test
  void badLayerConfigurationsAreNamed() {
    assertEquals("layers[2]: type expected one of [activation, batch_norm, conv2d, dense, dropout, embedding, flatten,"
        + " max_pool2d, softmax], got 'lstm'", assertThrows(IllegalArgumentException.class,
            () -> Layers.fromConfig(Map.of("type", "lstm"), "layers[2]")).getMessage());
    assertEquals("layers[0] (conv2d): unknown key 'kernel', expected one of [activation, filters, kernel_size, padding,"
        + " strides]", assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig(Map.of("type", "conv2d",
            "filters", 4, "kernel", 3), "layers[0]")).getMessage());
    assertEquals("layers[0] (conv2d): kernel_size expected a positive integer or a list of two, got [3, 0]",
        assertThrows(IllegalArgumentException.class, () -> Layers.fromConfig(Map.of("type", "conv2d", "filters", 4,
            "kernel_size", List.of(3, 0)), "layers[0]")).getMessage());
    assertEquals("layers[1] (dense): units expected a positive integer, got 2.5", assertThrows(
        IllegalArgumentException.class, () -> Layers.fromConfig(Map.of("type", "dense", "units", 2.5), "layers[1]"))
        .getMessage());
    assertEquals("layers[0] (conv2d): conv2d padding expected 'valid' or 'same', got 'full'", assertThrows(
        IllegalArgumentException.class, () -> Layers.fromConfig(Map.of("type", "conv2d", "filters", 2,
            "kernel_size", 3, "padding", "full"), "layers[0]")).getMessage());
    assertEquals("layers.0 (conv2d) expected an image input (height, width, channels); set input_shape, got input"
        + " shape [64]", assertThrows(IllegalArgumentException.class, () -> new Network(new int[] {64},
            List.of(new Conv2D(2, 3, 3, 1, "valid", Activation.RELU)))).getMessage());
    assertEquals("layers.1 (dense) expected a flat input (add a flatten layer before it), got input shape [6, 6, 2]",
        assertThrows(IllegalArgumentException.class, () -> new Network(new int[] {8, 8, 1},
            List.of(new Conv2D(2, 3, 3, 1, "valid", Activation.RELU), new Dense(3, Activation.LINEAR)))).getMessage());
    assertEquals("layers.0 (max_pool2d): convolution with padding 'valid' expected a kernel no larger than the input"
        + " 2x2, got 3x3", assertThrows(IllegalArgumentException.class, () -> new Network(new int[] {2, 2, 1},
            List.of(new MaxPool2D(3, 3, 1), new Flatten()))).getMessage());
    assertEquals("layers.1 (embedding) expected to be the first layer (its input is integer ids), got position 1",
        assertThrows(IllegalArgumentException.class, () -> new Network(new int[] {4},
            List.of(new Dense(4, Activation.RELU), new Embedding(10, 2), new Flatten()))).getMessage());
    assertEquals("network output expected a flat vector per example, got shape [3, 2]; add a flatten layer",
        assertThrows(IllegalArgumentException.class, () -> new Network(new int[] {3},
            List.of(new Embedding(10, 2)))).getMessage());
  }

  @Test
  void embeddingIdsOutOfRangeAreNamedBeforeTraining() {
    var net = built(new int[] {2}, List.of(new Embedding(4, 3), new Flatten(), new Dense(2, Activation.LINEAR)), 4, 1);
    var good = new DenseData(new float[] {0, 1, 2, 3, 1, 1}, new float[] {0, 1, 0}, 3, 2);
    var bad = new DenseData(new float[] {0, 1, 2, 4, 1, 1}, new float[] {0, 1, 0}, 3, 2);
    var e = assertThrows(IllegalArgumentException.class, () -> Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, adam(),
        bad, good, Training.Options.of(1, 4, 1)));
    assertEquals("train split row 1, feature 1: expected an integer id in [0, 4) for the embedding layer, got 4.0",
        e.getMessage());
    var frac = new DenseData(new float[] {0, 1, 2, 3, 1.5f, 1}, new float[] {0, 1, 0}, 3, 2);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, adam(),
        good, frac, Training.Options.of(1, 4, 1))).getMessage().startsWith("eval split row 2, feature 0"));
  }
}
