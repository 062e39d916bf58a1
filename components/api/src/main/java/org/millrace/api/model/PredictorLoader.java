package org.millrace.api.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens a Model artifact directory as a {@link Predictor}. Registered through
 * {@code META-INF/services/org.millrace.api.model.PredictorLoader}; the first loader that
 * {@link #accepts} a directory opens it.
 */
public interface PredictorLoader {

  /** Whether this loader understands the model in {@code modelDir} (e.g. its model.json). */
  boolean accepts(Path modelDir);

  /** Opens the model; the caller closes the predictor. */
  Predictor open(Path modelDir);

  /** Finds the registered loader for a model directory and opens it. */
  static Predictor load(Path modelDir) {
    List<String> tried = new ArrayList<>();
    for (PredictorLoader loader : ServiceLoader.load(PredictorLoader.class)) {
      if (loader.accepts(modelDir)) {
        return loader.open(modelDir);
      }
      tried.add(loader.getClass().getName());
    }
    throw new IllegalStateException(String.format(
        "model expected a directory some PredictorLoader accepts, got %s (loaders tried: %s). "
            + "Is the trainer's loader on the classpath (META-INF/services/%s)?",
        modelDir, tried, PredictorLoader.class.getName()));
  }
}
