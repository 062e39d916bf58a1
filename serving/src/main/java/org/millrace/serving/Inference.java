package org.millrace.serving;

import java.io.IOException;
import java.nio.file.Path;
import org.millrace.trainer.model.ModelRuntime;

/**
 * What computes a served model version's outputs from dense feature rows (the vectors its
 * transform graph makes): the values {@link ModelRuntime#predictDense} gives, probabilities for a
 * classifier. Implementations are called by many request threads at once.
 */
public interface Inference {
  /** Outputs ({@code rows} x the output width) for {@code rows} dense feature rows. */
  float[] predict(float[] features, int rows);

  /**
   * Opens the inference of one model version: {@code runtime} is the version as loaded (its graph,
   * task and one network); {@code replicas} is how many forward passes may run at once.
   */
  @FunctionalInterface
  interface Factory {
    Inference open(Path versionDir, ModelRuntime runtime, int replicas) throws IOException;
  }
}
