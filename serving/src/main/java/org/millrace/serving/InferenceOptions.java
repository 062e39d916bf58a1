package org.millrace.serving;

import java.time.Duration;

/**
 * How a served model version computes its predictions: {@code replicas} forward passes at once
 * (each on its own copy of the network), and {@linkplain Batcher request batching} of up to
 * {@code maxBatchRows} rows per pass, a pass waiting up to {@code maxBatchWait} for requests on
 * their way ({@code maxBatchRows} 1: no batching). {@code factory} opens a version's inference
 * (the Java backend's {@link RuntimePool} by default).
 */
public record InferenceOptions(int replicas, int maxBatchRows, Duration maxBatchWait, Inference.Factory factory) {
  public InferenceOptions {
    if (replicas < 1 || maxBatchRows < 1) {
      throw new IllegalArgumentException("inference replicas and max batch rows expected >= 1, got " + replicas + ", "
          + maxBatchRows);
    }
    if (maxBatchWait.isNegative()) {
      throw new IllegalArgumentException("max batch wait expected >= 0, got " + maxBatchWait);
    }
  }

  /**
   * One replica per processor, batches of up to 64 rows, a pass taking the requests queued without
   * waiting for more (waiting 100 microseconds for requests on their way cost throughput and p99 in
   * benchmarks/serving, RESULTS.md), on the Java backend.
   */
  public static InferenceOptions defaults() {
    return new InferenceOptions(Runtime.getRuntime().availableProcessors(), 64, Duration.ZERO,
        RuntimePool.factory());
  }

  public InferenceOptions withReplicas(int r) {
    return new InferenceOptions(r, maxBatchRows, maxBatchWait, factory);
  }

  public InferenceOptions withBatching(int rows, Duration wait) {
    return new InferenceOptions(replicas, rows, wait, factory);
  }

  public InferenceOptions withFactory(Inference.Factory f) {
    return new InferenceOptions(replicas, maxBatchRows, maxBatchWait, f);
  }
}
