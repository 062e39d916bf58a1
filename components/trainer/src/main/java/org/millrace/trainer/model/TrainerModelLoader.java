package org.millrace.trainer.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.millrace.api.data.Batch;
import org.millrace.api.model.Predictions;
import org.millrace.api.model.Predictor;
import org.millrace.api.model.PredictorLoader;
import org.millrace.transform.graph.DenseBatch;

/**
 * Opens models written by the Trainer: raw batches go through the model's embedded transform
 * graph (the same code as in training) and the network; classification scores are the class
 * probabilities in vocabulary order, labels the encoded raw label column (NaN when absent).
 */
public final class TrainerModelLoader implements PredictorLoader {

  @Override
  public boolean accepts(Path modelDir) {
    return ModelFiles.isModel(modelDir);
  }

  @Override
  public Predictor open(Path modelDir) {
    ModelRuntime rt;
    try {
      rt = ModelRuntime.load(modelDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load model " + modelDir, e);
    }
    boolean classification = rt.task() == org.millrace.api.model.Task.CLASSIFICATION;
    return batch -> predict(rt, classification, batch);
  }

  private static Predictions predict(ModelRuntime rt, boolean classification, Batch batch) {
    DenseBatch d = rt.transform(batch);
    float[] out = rt.predictDense(d.features(), d.rows());
    double[] scores = new double[out.length];
    for (int i = 0; i < out.length; i++) {
      scores[i] = out[i];
    }
    double[] labels = new double[d.rows()];
    if (d.labels() == null) {
      Arrays.fill(labels, Double.NaN);
    } else {
      for (int r = 0; r < d.rows(); r++) {
        labels[r] = d.labels()[r];
      }
    }
    return classification ? new Predictions(rt.labelVocabulary(), scores, labels)
        : Predictions.regression(scores, labels);
  }
}
