package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Dropout;
import org.millrace.trainer.fit.EpochMetrics;
import org.millrace.trainer.nn.Layer;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.LrSchedule;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.ReplicaRows;
import org.millrace.trainer.fit.Training;

/** Data-parallel training: N replicas with global batch B give the model one replica gives with batch B. */
class DataParallelTest {
  @TempDir
  Path dir;

  static List<Layer> mlp() {
    return List.of(new Dense(16, Activation.RELU), new Dropout(0.2f), new Dense(8, Activation.TANH),
        new Dense(3, Activation.LINEAR));
  }

  record Run(Training.Result result, List<float[]> weights) {}

  static Run train(int workers, DenseData data, int epochs, Training.Options options) throws Exception {
    var nets = new ArrayList<Network>();
    var opts = new ArrayList<Optimizer>();
    for (int w = 0; w < workers; w++) {
      var net = new Network(new int[] {2}, mlp()).build(new JavaBackend(1), 32);
      // Only replica 0's initial weights matter: the others start from them.
      net.initialize(w == 0 ? 7 : 1000 + w);
      nets.add(net);
      opts.add(new Optimizer(Optimizer.Kind.ADAM, 0.02, 0, false, 0, 0.9, 0.999, 1e-7, 1.0)
          .withSchedule(new LrSchedule(LrSchedule.Kind.COSINE, 5, 1000, 0.5, 0.1, epochs * 10L)));
    }
    var r = Training.run(nets, Loss.SOFTMAX_CROSS_ENTROPY, opts, data, NetworkTest.blobs(90, 2), options);
    var weights = nets.get(0).values();
    for (Network n : nets) {
      n.backend().close();
    }
    return new Run(r, weights);
  }

  static void assertSameModel(Run one, Run many, float tolerance, String what) {
    for (int i = 0; i < one.weights().size(); i++) {
      assertArrayEquals(one.weights().get(i), many.weights().get(i), tolerance, what + ": tensor " + i);
    }
    assertEquals(one.result().steps(), many.result().steps());
    List<EpochMetrics> a = one.result().history();
    List<EpochMetrics> b = many.result().history();
    for (int e = 0; e < a.size(); e++) {
      assertEquals(a.get(e).trainLoss(), b.get(e).trainLoss(), 1e-5, what + ": train loss of epoch " + (e + 1));
      assertEquals(a.get(e).validationLoss(), b.get(e).validationLoss(), 1e-5, what + ": validation loss");
    }
  }

  /**
   * Each epoch's replicas, as the training loop counted them, trained the shard the sharding rule
   * gives each (contiguous, sizes differing by at most one row per batch, the first replicas
   * taking the remainder), and together every row exactly once: their counts add up to the rows
   * and their row checksums to the checksum of all rows. One replica training every whole batch
   * (sharding bypassed) gives the same model as one worker; this tells them apart.
   */
  static void assertShards(List<EpochMetrics> history, int workers, int rows, int batchSize) {
    long[] expected = new long[workers];
    for (int from = 0; from < rows; from += batchSize) {
      int n = Math.min(rows, from + batchSize) - from;
      for (int w = 0; w < workers; w++) {
        expected[w] += n / workers + (w < n % workers ? 1 : 0);
      }
    }
    assertTrue(!history.isEmpty(), "no epochs");
    for (EpochMetrics m : history) {
      List<ReplicaRows> replicas = m.replicas();
      assertEquals(workers, replicas.size(), "epoch " + m.epoch() + ": replicas " + replicas);
      long count = 0;
      long checksum = 0;
      for (int w = 0; w < workers; w++) {
        ReplicaRows r = replicas.get(w);
        assertEquals(w, r.replica(), "epoch " + m.epoch() + ": " + replicas);
        assertEquals(expected[w], r.rows(), "epoch " + m.epoch() + ": rows replica " + w + " trained, " + replicas);
        count += r.rows();
        checksum += r.checksum();
      }
      assertEquals(rows, count, "epoch " + m.epoch() + ": rows trained by all replicas");
      assertEquals(ReplicaRows.checksumOfRows(rows), checksum, "epoch " + m.epoch() + ": the replicas' shards expected"
          + " to be disjoint and to cover the " + rows + " rows, got " + replicas);
    }
  }

  @Test
  void nWorkersTrainTheModelOneWorkerTrainsWithTheSameGlobalBatch() throws Exception {
    // 301 rows in batches of 32: nine full batches and one of 13 (shards of 5, 4, 4 for three workers).
    DenseData data = NetworkTest.blobs(301, 1);
    Run one = train(1, data, 4, Training.Options.of(4, 32, 3));
    assertShards(one.result().history(), 1, 301, 32);
    for (int workers : new int[] {2, 3, 4}) {
      Run many = train(workers, data, 4, Training.Options.of(4, 32, 3));
      assertSameModel(one, many, 2e-5f, workers + " workers");
      assertShards(many.result().history(), workers, 301, 32);
    }
    // A last batch of one row: two of three workers have nothing to do in that step.
    DenseData small = NetworkTest.blobs(33, 4);
    Run three = train(3, small, 3, Training.Options.of(3, 32, 5));
    assertSameModel(train(1, small, 3, Training.Options.of(3, 32, 5)), three, 2e-5f, "a one-row batch");
    assertShards(three.result().history(), 3, 33, 32);
  }

  @Test
  void dataParallelRunsAreDeterministicAndResumeFromCheckpointsBitForBit() throws Exception {
    DenseData data = NetworkTest.blobs(160, 1);
    Run a = train(3, data, 3, Training.Options.of(3, 32, 9));
    Run b = train(3, data, 3, Training.Options.of(3, 32, 9));
    assertSameModel(a, b, 0f, "same seed, same workers");

    // 160 rows / 32 = 5 steps per epoch; crash after step 7, checkpoints every 3 steps.
    Path ck = dir.resolve("ck");
    var crash = Training.Options.of(3, 32, 9).withCheckpoints(ck, 3, "dp").afterStep(step -> {
      if (step == 7) {
        throw new IllegalStateException("crash after step 7");
      }
    });
    var e = assertThrows(IllegalStateException.class, () -> train(3, data, 3, crash));
    assertEquals("crash after step 7", e.getMessage());
    Run resumed = train(3, data, 3, Training.Options.of(3, 32, 9).withCheckpoints(ck, 3, "dp"));
    assertEquals(6, resumed.result().resumedFromStep());
    assertSameModel(a, resumed, 0f, "resumed");
  }

  @Test
  void workersNeedABatchToShareAndEqualReplicas() throws Exception {
    DenseData data = NetworkTest.blobs(30, 1);
    var e = assertThrows(IllegalArgumentException.class, () -> train(3, data, 1, Training.Options.of(1, 2, 1)));
    assertEquals("data-parallel training expected batch_size >= the number of workers (3), got 2", e.getMessage());
    var nets = List.of(new Network(new int[] {2}, mlp()).build(new JavaBackend(1), 32),
        new Network(new int[] {2}, List.of(new Dense(3, Activation.LINEAR))).build(new JavaBackend(1), 32));
    var opt = new Optimizer(Optimizer.Kind.SGD, 0.1, 0, false, 0, 0.9, 0.999, 1e-7, null);
    var bad = assertThrows(IllegalArgumentException.class, () -> Training.run(nets, Loss.SOFTMAX_CROSS_ENTROPY,
        List.of(opt, opt), data, data, Training.Options.of(1, 8, 1)));
    assertEquals(true, bad.getMessage().startsWith("data-parallel replicas expected the architecture and row capacity"
        + " of replica 0, got "), bad.getMessage());
    var same = List.of(new Network(new int[] {2}, mlp()).build(new JavaBackend(1), 32),
        new Network(new int[] {2}, mlp()).build(new JavaBackend(1), 32));
    var shared = assertThrows(IllegalArgumentException.class, () -> Training.run(same, Loss.SOFTMAX_CROSS_ENTROPY,
        List.of(opt, opt), data, data, Training.Options.of(1, 8, 1)));
    assertEquals("data-parallel training expected a network, an optimizer and a backend of its own for each replica,"
        + " got some shared", shared.getMessage());
    var bn = new ArrayList<Network>();
    for (int i = 0; i < 3; i++) {
      bn.add(new Network(new int[] {2}, List.of(new Dense(4, Activation.RELU),
          new org.millrace.trainer.nn.BatchNorm(0.9f, 1e-3f), new Dense(3, Activation.LINEAR)))
          .build(new JavaBackend(1), 32));
    }
    var opts = List.of(new Optimizer(Optimizer.Kind.SGD, 0.1, 0, false, 0, 0.9, 0.999, 1e-7, null),
        new Optimizer(Optimizer.Kind.SGD, 0.1, 0, false, 0, 0.9, 0.999, 1e-7, null),
        new Optimizer(Optimizer.Kind.SGD, 0.1, 0, false, 0, 0.9, 0.999, 1e-7, null));
    var oneRow = assertThrows(IllegalArgumentException.class, () -> Training.run(bn, Loss.SOFTMAX_CROSS_ENTROPY, opts,
        data, data, Training.Options.of(1, 5, 1)));
    assertEquals("data-parallel training with batch norm expected at least 2 rows per worker (batch statistics of one"
        + " row are meaningless), got batch_size 5 for 3 workers", oneRow.getMessage());
  }
}
