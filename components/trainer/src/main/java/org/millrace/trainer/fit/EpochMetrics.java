package org.millrace.trainer.fit;

import java.util.List;

/**
 * One epoch of training: mean training loss, validation loss and accuracy (NaN for regression),
 * and the rows each replica trained ({@link ReplicaRows}, in replica order; one entry when a
 * single replica trained).
 */
public record EpochMetrics(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
    long millis, List<ReplicaRows> replicas) {
  public EpochMetrics {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }

  /** An epoch without the replicas' rows (a history read from an older checkpoint). */
  public EpochMetrics(int epoch, double trainLoss, double validationLoss, double validationAccuracy, long millis) {
    this(epoch, trainLoss, validationLoss, validationAccuracy, millis, List.of());
  }
}
