package org.millrace.trainer.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.MatMul;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/**
 * Trainer benchmarks (not unit tests), printed in the same format as benchmarks/trainer/torch_bench.py:
 * {@code mlp <fashion-mnist dir> <epochs>}, {@code matmul <n>}, {@code digits <digits.csv.gz>},
 * {@code tta <fashion-mnist dir> <epochs> <target accuracy> <share dir>}.
 */
public final class TrainerBenchmark {
  private TrainerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(System.getProperty("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    switch (args[0]) {
      case "mlp" -> mlp(Path.of(args[1]), Integer.parseInt(args[2]), threads);
      case "matmul" -> matmul(Integer.parseInt(args[1]), threads);
      case "digits" -> digits(Path.of(args[1]), threads);
      case "tta" -> timeToAccuracy(Path.of(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]),
          Path.of(args[4]), threads);
      default -> throw new IllegalArgumentException("mode expected mlp, matmul, digits or tta, got " + args[0]);
    }
  }

  static void mlp(Path dir, int epochs, int threads) throws IOException {
    float[] x = idxImages(dir.resolve("train-images-idx3-ubyte.gz"));
    float[] y = idxLabels(dir.resolve("train-labels-idx1-ubyte.gz"));
    int rows = y.length;
    var data = new DenseData(x, y, rows, 784);
    var net = Network.dense(784, List.of(new Dense(512, Activation.RELU), new Dense(512, Activation.RELU),
        new Dense(10, Activation.LINEAR))).build(new JavaBackend(threads), 1024);
    net.initialize(0);
    var opt = new Optimizer(Optimizer.Kind.ADAM, 1e-3, 0, false, 0, 0.9, 0.999, 1e-7, null);
    // Warm-up on 10 batches so the JIT has compiled the kernels, as torch's first iterations also are excluded.
    var small = new DenseData(java.util.Arrays.copyOf(x, 10240 * 784), java.util.Arrays.copyOf(y, 10240), 10240, 784);
    var noEval = new DenseData(new float[784], new float[1], 1, 784);
    Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, small, noEval, Training.Options.of(1, 1024, 0));
    long t0 = System.nanoTime();
    var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, noEval, Training.Options.of(epochs, 1024, 0));
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("millrace-java mlp 784-512-512-10 b1024 adam: %.0f samples/s (%d threads, %d epochs, last loss %.4f)%n",
        rows * epochs / s, threads, epochs, r.history().get(r.history().size() - 1).trainLoss());
  }

  /**
   * Time to a test accuracy on fashion-mnist: MLP 784-512-512-10 (ReLU), Adam 1e-3 (eps 1e-7), batch
   * 1024, seed 0, the 10,000 test images evaluated after each epoch (in the timed loop, as the peer
   * does). Writes the initial weights ({@code init.bin}: each tensor in {@link Network#values()} order,
   * float32 little-endian, kernels [in][out]) and each epoch's row order ({@code orders.bin}: int32
   * little-endian) to {@code share} so that the peer (torch_bench.py tta) starts from the same weights
   * and sees the same batches. No warm-up: the JIT's compile time counts, as a user waits for it.
   */
  static void timeToAccuracy(Path dir, int epochs, double target, Path share, int threads) throws IOException {
    var train = new DenseData(idxImages(dir.resolve("train-images-idx3-ubyte.gz")),
        idxLabels(dir.resolve("train-labels-idx1-ubyte.gz")), 60000, 784);
    var test = new DenseData(idxImages(dir.resolve("t10k-images-idx3-ubyte.gz")),
        idxLabels(dir.resolve("t10k-labels-idx1-ubyte.gz")), 10000, 784);
    var net = Network.dense(784, List.of(new Dense(512, Activation.RELU), new Dense(512, Activation.RELU),
        new Dense(10, Activation.LINEAR))).build(new JavaBackend(threads), 1024);
    net.initialize(0);
    Files.createDirectories(share);
    List<float[]> init = net.values();
    var weights = java.nio.ByteBuffer.allocate(4 * init.stream().mapToInt(t -> t.length).sum())
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float[] t : init) {
      for (float v : t) {
        weights.putFloat(v);
      }
    }
    Files.write(share.resolve("init.bin"), weights.array());
    var orders = java.nio.ByteBuffer.allocate(4 * 60000 * epochs).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int[] order = new int[60000];
    for (int e = 1; e <= epochs; e++) {
      Training.epochOrder(order, 0, e);
      for (int i : order) {
        orders.putInt(i);
      }
    }
    Files.write(share.resolve("orders.bin"), orders.array());
    var opt = new Optimizer(Optimizer.Kind.ADAM, 1e-3, 0, false, 0, 0.9, 0.999, 1e-7, null);
    long t0 = System.nanoTime();
    double[] reached = {Double.NaN};
    double[] last = {0};
    Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, train, test, Training.Options.of(epochs, 1024, 0).onEpoch(m -> {
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("millrace epoch %d: test accuracy %.4f at %.2f s%n", m.epoch(), m.validationAccuracy(), s);
      if (Double.isNaN(reached[0]) && m.validationAccuracy() >= target) {
        reached[0] = s;
      }
      last[0] = m.validationAccuracy();
    }));
    System.out.printf("millrace fashion-mnist time to %.2f: %s (final test accuracy %.4f after %d epochs, %d threads)%n",
        target, Double.isNaN(reached[0]) ? "not reached" : String.format("%.2f s", reached[0]), last[0], epochs, threads);
  }

  static void matmul(int n, int threads) {
    var mm = new MatMul(threads);
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    var rnd = new java.util.SplittableRandom(1);
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextDouble();
      b[i] = (float) rnd.nextDouble();
    }
    for (int i = 0; i < 3; i++) {
      mm.nn(a, b, c, n, n, n, false);
    }
    int reps = Math.max(3, (int) (2e10 / (2.0 * n * n * n)));
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      mm.nn(a, b, c, n, n, n, false);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("millrace-java sgemm %d: %.1f GFLOP/s (%d threads)%n", n, 2.0 * n * n * n * reps / s / 1e9, threads);
  }

  /** Digits: rows with index % 3 == 0 are the test set; MLP 64-64-10, Adam 1e-3, batch 32, 30 epochs, pixels / 16. */
  static void digits(Path csv, int threads) throws IOException {
    var train = new ArrayList<float[]>();
    var test = new ArrayList<float[]>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new GZIPInputStream(Files.newInputStream(csv))))) {
      in.readLine();
      int i = 0;
      for (String line; (line = in.readLine()) != null; i++) {
        String[] f = line.split(",");
        float[] row = new float[f.length];
        for (int j = 0; j < f.length; j++) {
          row[j] = Float.parseFloat(f[j]);
        }
        (i % 3 == 0 ? test : train).add(row);
      }
    }
    var net = Network.dense(64, List.of(new Dense(64, Activation.RELU), new Dense(10, Activation.LINEAR)))
        .build(new JavaBackend(threads), 32);
    net.initialize(0);
    var opt = new Optimizer(Optimizer.Kind.ADAM, 1e-3, 0, false, 0, 0.9, 0.999, 1e-7, null);
    Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, dense(train), dense(test), Training.Options.of(30, 32, 0));
    double[] res = Training.evaluate(net, Loss.SOFTMAX_CROSS_ENTROPY, dense(test));
    System.out.printf("millrace-java digits mlp 64-64-10 30 epochs: test accuracy %.4f (%d train, %d test)%n", res[1],
        train.size(), test.size());
  }

  static DenseData dense(List<float[]> rows) {
    int d = rows.get(0).length - 1;
    float[] x = new float[rows.size() * d];
    float[] y = new float[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rows.get(i)[j] / 16f;
      }
      y[i] = rows.get(i)[d];
    }
    return new DenseData(x, y, rows.size(), d);
  }

  static float[] idxImages(Path file) throws IOException {
    try (var in = new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(Files.newInputStream(file))))) {
      int magic = in.readInt();
      if (magic != 2051) {
        throw new IllegalArgumentException(file + " expected IDX image magic 2051, got " + magic);
      }
      int n = in.readInt();
      int r = in.readInt();
      int c = in.readInt();
      byte[] raw = in.readNBytes(n * r * c);
      float[] out = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        out[i] = (raw[i] & 0xff) / 255f;
      }
      return out;
    }
  }

  static float[] idxLabels(Path file) throws IOException {
    try (InputStream raw = new GZIPInputStream(Files.newInputStream(file)); var in = new DataInputStream(raw)) {
      int magic = in.readInt();
      if (magic != 2049) {
        throw new IllegalArgumentException(file + " expected IDX label magic 2049, got " + magic);
      }
      int n = in.readInt();
      byte[] b = in.readNBytes(n);
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = b[i];
      }
      return out;
    }
  }
}
