package org.millrace.trainer.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.millrace.api.data.Batch;
import org.millrace.api.model.Task;
import org.millrace.transform.graph.DenseBatch;
import org.millrace.transform.graph.Graph;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Loss;

/**
 * Predictions from a model directory, on raw features: the embedded transform graph turns raw
 * rows into the dense vector (the same code as in training), then the network runs.
 * Classification returns class probabilities, regression one value per row. Calls are
 * serialized: one runtime's network buffers serve one batch at a time.
 */
public final class ModelRuntime {
  private final ModelFiles.Loaded model;

  /** One Java backend (a pool of daemon threads) for every loaded model. */
  private static final class Shared {
    static final JavaBackend BACKEND = new JavaBackend(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  private ModelRuntime(ModelFiles.Loaded model) {
    this.model = model;
  }

  public static ModelRuntime load(Path dir) throws IOException {
    return new ModelRuntime(ModelFiles.read(dir, Shared.BACKEND, 256));
  }

  public Task task() {
    return model.task();
  }

  public List<String> labelVocabulary() {
    return model.labelVocabulary();
  }

  public Graph graph() {
    if (model.graph() == null) {
      throw new IllegalStateException("model expected an embedded transform graph for raw-feature input, got none");
    }
    return model.graph();
  }

  /** Width of each output row: the number of classes, or 1. */
  public int outputWidth() {
    return model.network().outputSize();
  }

  /** Outputs (rows x outputWidth) for dense feature rows: probabilities for classification. */
  public synchronized float[] predictDense(float[] features, int rows) {
    float[] out = model.network().predict(features, rows);
    int w = outputWidth();
    if (model.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
      for (int r = 0; r < rows; r++) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < w; j++) {
          max = Math.max(max, out[r * w + j]);
        }
        double sum = 0;
        for (int j = 0; j < w; j++) {
          sum += Math.exp(out[r * w + j] - max);
        }
        for (int j = 0; j < w; j++) {
          out[r * w + j] = (float) (Math.exp(out[r * w + j] - max) / sum);
        }
      }
    } else if (model.loss() == Loss.BINARY_CROSS_ENTROPY) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (1 / (1 + Math.exp(-out[i])));
      }
    }
    return out;
  }

  /** The transformed batch (features and encoded labels, if the raw batch has the label column). */
  public DenseBatch transform(Batch raw) {
    return graph().apply(raw);
  }

  /** Outputs for a batch of raw rows. */
  public float[] predict(Batch raw) {
    DenseBatch d = transform(raw);
    return predictDense(d.features(), d.rows());
  }

  /** Outputs for one raw row (serving). */
  public float[] predictRow(Map<String, Object> raw) {
    return predictDense(graph().applyRow(raw), 1);
  }
}
