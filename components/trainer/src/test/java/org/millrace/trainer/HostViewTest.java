package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.fit.EpochMetrics;
import org.millrace.trainer.fit.Training;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;

/**
 * The Java backend trains from a view of the training set in host memory, each batch gathered
 * straight into the network's input over the backend's threads: the same model, bit for bit, as
 * gathering each batch on the host and uploading it (the way for a backend without views).
 */
class HostViewTest {
  /** 1,500 rows of 784 values (a batch of 512 is gathered on two threads), 3 classes. */
  static DenseData data() {
    var r = new SplittableRandom(11);
    int rows = 1500;
    int dim = 784;
    float[] x = new float[rows * dim];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int c = r.nextInt(3);
      y[i] = c;
      for (int j = 0; j < dim; j++) {
        x[i * dim + j] = (float) (r.nextGaussian() + (j % 3 == c ? 0.5 : 0));
      }
    }
    return new DenseData(x, y, rows, dim);
  }

  record Run(List<float[]> weights, List<EpochMetrics> history) {}

  /** Every call goes to {@code b}, counted by name; {@code view} answers empty when {@code views} is false. */
  static Backend counted(Backend b, boolean views, java.util.Map<String, AtomicInteger> calls) {
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
        (proxy, method, args) -> {
          calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
          if (!views && method.getName().equals("view")) {
            return Optional.empty();
          }
          try {
            return method.invoke(b, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  static Run train(Backend b, DenseData data) throws Exception {
    var net = new Network(new int[] {784}, List.of(new Dense(16, Activation.RELU), new Dense(3, Activation.LINEAR)))
        .build(b, 512);
    net.initialize(3);
    var opt = new Optimizer(Optimizer.Kind.ADAM, 0.01, 0, false, 0, 0.9, 0.999, 1e-7, null);
    var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, data, Training.Options.of(3, 512, 5));
    return new Run(net.values(), r.history());
  }

  @Test
  void aViewOfTheSetTrainsTheModelThatHostBatchesTrain() throws Exception {
    DenseData data = data();
    for (int threads : new int[] {1, 2}) {
      var viewCalls = new java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>();
      var hostCalls = new java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>();
      Run viewed;
      Run uploaded;
      try (Backend b = new JavaBackend(threads)) {
        viewed = train(counted(b, true, viewCalls), data);
      }
      try (Backend b = new JavaBackend(threads)) {
        uploaded = train(counted(b, false, hostCalls), data);
      }
      // Each path was the one taken: 3 epochs of 3 batches gathered from the view, none uploaded
      // (the validation pass uploads its own); and none gathered on the host path.
      assertEquals(9, viewCalls.getOrDefault("gatherBatch", new AtomicInteger()).get(), threads + " threads: batches gathered from the view");
      assertEquals(null, hostCalls.get("gatherBatch"), threads + " threads: the host path gathered on the backend");
      assertTrue(hostCalls.get("upload").get() > viewCalls.get("upload").get() + 9,
          threads + " threads: host batches uploaded " + hostCalls.get("upload") + " vs " + viewCalls.get("upload"));
      for (int i = 0; i < viewed.weights().size(); i++) {
        assertArrayEquals(uploaded.weights().get(i), viewed.weights().get(i), threads + " threads: tensor " + i);
      }
      for (int e = 0; e < 3; e++) {
        assertEquals(uploaded.history().get(e).trainLoss(), viewed.history().get(e).trainLoss(),
            threads + " threads: train loss of epoch " + (e + 1));
      }
    }
  }

  /**
   * A set of more than 2^24 rows is not trained from a view: the epoch's order reaches the backend
   * as floats, and row 2^24 + 1 would be read as row 2^24. Its batches are gathered on the host.
   */
  @Test
  void aSetOfMoreThan2To24RowsIsGatheredOnTheHost() throws Exception {
    int rows = (1 << 24) + 2;
    float[] x = new float[rows];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      x[i] = i % 7 - 3;
      y[i] = i % 2;
    }
    var data = new DenseData(x, y, rows, 1);
    var calls = new java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>();
    try (Backend b = new JavaBackend(2)) {
      var net = new Network(new int[] {1}, List.of(new Dense(2, Activation.LINEAR))).build(counted(b, true, calls),
          1 << 22);
      net.initialize(1);
      var opt = new Optimizer(Optimizer.Kind.SGD, 0.1, 0, false, 0, 0.9, 0.999, 1e-7, null);
      var eval = new DenseData(new float[] {1f}, new float[] {1f}, 1, 1);
      Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, eval, Training.Options.of(1, 1 << 22, 3));
    }
    assertEquals(null, calls.get("gatherBatch"), "batches gathered from a view of " + rows + " rows");
    assertTrue(calls.get("upload").get() >= 10, "host batches uploaded: " + calls.get("upload"));
  }

  @Test
  void aViewOfNothingIsRefused() {
    try (Backend b = new JavaBackend(1)) {
      assertThrows(NullPointerException.class, () -> b.view(null));
    }
  }

  @Test
  void aViewSharesTheArray() {
    try (Backend b = new JavaBackend(1)) {
      float[] values = {1f, 2f, 3f};
      var view = b.view(values).orElseThrow();
      b.upload(new float[] {9f}, 0, view, 1, 1);
      assertArrayEquals(new float[] {1f, 9f, 3f}, values);
      values[2] = 7f;
      assertArrayEquals(new float[] {1f, 9f, 7f}, b.download(view));
    }
  }
}
