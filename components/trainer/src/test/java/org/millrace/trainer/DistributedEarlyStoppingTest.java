package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.fit.EpochMetrics;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/**
 * Early stopping in a distributed job: every rank stops after the same epoch (none waits on the
 * ring for a rank that stopped, none trains on alone), keeps the same best weights, and the best
 * epoch and the stop are the decisions the single-process rule makes on the validation losses,
 * the same a one-rank run makes.
 */
class DistributedEarlyStoppingTest {
  static final int EPOCHS = 60;
  static final int PATIENCE = 2;
  static final double MIN_DELTA = 0.01;

  record Outcome(Training.Result result, List<float[]> weights, double keptLoss) {}

  static Training.Options options() {
    return Training.Options.of(EPOCHS, 16, 5).withEarlyStopping(PATIENCE, MIN_DELTA);
  }

  static Network network() {
    var net = new Network(new int[] {2}, DataParallelTest.mlp()).build(new JavaBackend(1), 16);
    net.initialize(7);
    return net;
  }

  static Optimizer optimizer() {
    return new Optimizer(Optimizer.Kind.ADAM, 0.02, 0, false, 0, 0.9, 0.999, 1e-7, 1.0);
  }

  /** The rule of {@link Training}, applied by hand to a history: {best epoch, epoch it stops after (0: none)}. */
  static int[] decide(List<EpochMetrics> history) {
    double best = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    int since = 0;
    for (EpochMetrics m : history) {
      if (m.validationLoss() < best - MIN_DELTA) {
        best = m.validationLoss();
        bestEpoch = m.epoch();
        since = 0;
      } else if (++since >= PATIENCE) {
        return new int[] {bestEpoch, m.epoch()};
      }
    }
    return new int[] {bestEpoch, 0};
  }

  @Test
  void allRanksStopAfterTheSameEpochWithTheBestModelOneRankWouldChoose() throws Exception {
    DenseData train = NetworkTest.blobs(120, 11);
    DenseData eval = NetworkTest.blobs(60, 12);
    Network single = network();
    Training.Result one = Training.run(single, Loss.SOFTMAX_CROSS_ENTROPY, optimizer(), train, eval, options());
    List<float[]> oneWeights = single.values();
    single.backend().close();
    assertTrue(one.stoppedEarly() && one.history().size() < EPOCHS, "the reference run expected to stop early, got "
        + one.history().size() + " epochs");

    List<Outcome> ranks = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> RingAllReduceTest.ranks(2, ring -> {
      Network net = network();
      Training.Result r = Training.runDistributed(net, Loss.SOFTMAX_CROSS_ENTROPY, optimizer(), train, eval, options(),
          ring);
      List<float[]> values = net.values();
      double kept = Training.evaluate(net, Loss.SOFTMAX_CROSS_ENTROPY, eval)[0];
      net.backend().close();
      return new Outcome(r, values, kept);
    }), "a rank waited on the ring for one that had stopped");

    for (int rank = 0; rank < 2; rank++) {
      Training.Result r = ranks.get(rank).result();
      String who = "rank " + rank;
      assertTrue(r.stoppedEarly(), who + " expected to stop early");
      int[] rule = decide(r.history());
      assertEquals(r.history().size(), rule[1], who + ": stops after the epoch the rule says, history "
          + r.history());
      assertEquals(rule[0], r.bestEpoch(), who + ": the best epoch the rule picks from the validation losses");
      assertEquals(one.history().size(), r.history().size(), who + ": stops after the epoch one rank stops after");
      assertEquals(one.bestEpoch(), r.bestEpoch(), who + ": best epoch of the one-rank run");
      assertEquals(one.steps(), r.steps(), who + ": steps");
      DataParallelTest.assertShards(r.history(), 2, 120, 16);
      // The decisions were made on rank 0's losses as computed, not rounded on the way: the best
      // epoch's recorded loss is exactly what the kept weights score.
      assertEquals(ranks.get(rank).keptLoss(), r.history().get(r.bestEpoch() - 1).validationLoss(), 0,
          who + ": validation loss of the kept weights");
      for (int e = 0; e < r.history().size(); e++) {
        assertEquals(one.history().get(e).validationLoss(), r.history().get(e).validationLoss(), 1e-5,
            who + ": validation loss of epoch " + (e + 1));
        // The ranks decided on the same losses, bit for bit.
        assertEquals(ranks.get(0).result().history().get(e).validationLoss(), r.history().get(e).validationLoss(), 0,
            who + ": rank 0's validation loss of epoch " + (e + 1));
      }
      for (int i = 0; i < oneWeights.size(); i++) {
        assertArrayEquals(ranks.get(0).weights().get(i), ranks.get(rank).weights().get(i), 0f,
            who + ": rank 0's best weights, tensor " + i);
        assertArrayEquals(oneWeights.get(i), ranks.get(rank).weights().get(i), 2e-5f,
            who + ": the one-rank run's best weights, tensor " + i);
      }
    }
  }
}
