package org.millrace.trainer.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/**
 * The child JVM of {@link ArenaMoveTest}: trains a small MLP with Adam on the Java backend and on
 * the first OpenCL device with a small arena (so that it is an ordinary, movable array), making the
 * collector move arrays between steps (garbage, then {@code System.gc()}), and prints the largest
 * difference of the two models' values. Exit status 0 when they agree within {@code 1e-3}, 1 when
 * not, 2 on an error (its message on stderr).
 */
public final class ArenaMoveMain {
  private ArenaMoveMain() {}

  /** Keeps some garbage reachable for a while, so that the full collection has holes to compact. */
  private static final List<byte[]> KEEP = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    List<List<float[]>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Backend backend = i == 0 ? new JavaBackend(1)
            : new OpenCLBackend(OpenCLBackend.devices().get(0), 1 << 12, 1 << 16);
        var net = Network.dense(2, List.of(new Dense(16, Activation.RELU), new Dense(16, Activation.TANH),
            new Dense(3, Activation.LINEAR))).build(backend, 16);
        net.initialize(7);
        var opt = new Optimizer(Optimizer.Kind.ADAM, 0.01, 0, false, 0, 0.9, 0.999, 1e-7, null);
        var options = Training.Options.of(3, 16, 11).afterStep(step -> churn());
        Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, blobs(160, 1), blobs(40, 2), options);
        results.add(net.values());
        if (backend instanceof OpenCLBackend cl) {
          System.out.println("arena read back after a collection " + cl.rescues() + " times");
        }
        backend.close();
      }
    } catch (RuntimeException e) {
      System.err.println("error: " + e);
      System.exit(2);
    }
    double worst = 0;
    for (int t = 0; t < results.get(0).size(); t++) {
      float[] a = results.get(0).get(t);
      float[] b = results.get(1).get(t);
      for (int j = 0; j < a.length; j++) {
        worst = Math.max(worst, Math.abs(a[j] - b[j]) / Math.max(1, Math.abs(a[j])));
      }
    }
    System.out.println("largest difference java vs opencl: " + worst);
    System.exit(worst <= 1e-3 ? 0 : 1);
  }

  /** Three Gaussian blobs in the plane. */
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

  /** Garbage around a kept object, then a full collection, which compacts the heap and moves arrays. */
  private static void churn() {
    for (int i = 0; i < 64; i++) {
      byte[] b = new byte[1 << 14];
      if (i % 8 == 0) {
        KEEP.add(b);
      }
    }
    if (KEEP.size() > 64) {
      KEEP.subList(0, 32).clear();
    }
    System.gc();
  }
}
