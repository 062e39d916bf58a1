package org.millrace.trainer.fit;

import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.data.DenseData;

/**
 * How {@link Training} takes a data-parallel step: replicas in this process ({@link Workers}) or
 * one replica per process, reducing over a ring ({@link RingReplica}).
 */
interface Replicas extends AutoCloseable {
  /** Rows [from, from + rows) of {@code order} as one global batch: shards, gradients, all-reduce, steps. */
  void step(DenseData train, int[] order, int from, int rows, Loss loss, int seed);

  /** Zeroes the accumulators other than the training loop's own (a new epoch). */
  void clearAccumulators();

  /**
   * The rows every replica trained since the accumulators were last cleared (this epoch), in
   * replica order: distributed ranks gather every rank's.
   */
  java.util.List<ReplicaRows> rowsTrained();

  /** Turns the loop's own loss and hit sums {@code acc} into the sums over every replica. */
  void addAccumulators(float[] acc);

  /**
   * The validation metrics every replica decides by (best epoch, early stopping): the same on all
   * of them. Local replicas are evaluated once; distributed ranks take rank 0's.
   */
  default double[] agree(double[] metrics) {
    return metrics;
  }

  @Override
  void close();
}
