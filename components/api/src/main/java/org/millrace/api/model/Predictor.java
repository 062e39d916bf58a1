package org.millrace.api.model;

import org.millrace.api.data.Batch;

/**
 * A loaded model as the evaluator sees it: raw batch in, per-row scores and labels out.
 * Implementations need not be thread-safe; the evaluator uses one instance per worker thread.
 */
public interface Predictor extends AutoCloseable {

  /** Scores every row of a raw (untransformed) batch and extracts its labels. */
  Predictions predict(Batch rawBatch);

  @Override
  default void close() {}
}
