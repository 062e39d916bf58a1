package org.millrace.evaluator;

import org.millrace.api.model.Predictor;
import org.millrace.api.model.Predictions;
import org.millrace.api.model.PredictorLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;

/**
 * TEST DOUBLE: a "model" that reads P(class 1) from a column of the raw batch named in its
 * {@code fake-model.txt}, and the 0/1 label from the {@code label} column. No real model runs.
 */
final class ScoreColumnPredictor implements Predictor {
  private final String scoreColumn;

  ScoreColumnPredictor(String scoreColumn) {
    this.scoreColumn = scoreColumn;
  }

  /** Writes a fake model directory whose scores come from {@code scoreColumn}. */
  static Path write(Path dir, String scoreColumn) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("fake-model.txt"), scoreColumn);
    return dir;
  }

  @Override
  public Predictions predict(Batch b) {
    double[] p = ((Column.Doubles) b.column(scoreColumn)).values();
    long[] y = ((Column.Longs) b.column("label")).values();
    double[] scores = new double[p.length * 2];
    double[] labels = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      scores[2 * i] = 1 - p[i];
      scores[2 * i + 1] = p[i];
      labels[i] = b.column("label").isNull(i) ? Double.NaN : y[i];
    }
    return new Predictions(List.of("no", "yes"), scores, labels);
  }

  /** Loader registered in src/test/resources/META-INF/services. */
  public static final class Loader implements PredictorLoader {
    @Override
    public boolean accepts(Path modelDir) {
      return Files.exists(modelDir.resolve("fake-model.txt"));
    }

    @Override
    public Predictor open(Path modelDir) {
      try {
        return new ScoreColumnPredictor(Files.readString(modelDir.resolve("fake-model.txt")).trim());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
