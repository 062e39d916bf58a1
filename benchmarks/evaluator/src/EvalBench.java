import org.millrace.api.model.Predictor;
import org.millrace.api.model.Predictions;
import org.millrace.api.model.PredictorLoader;
import java.io.DataOutputStream;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.Column;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.evaluator.component.EvaluatorExecutor;
import org.millrace.evaluator.EvaluatorParams;

/**
 * Evaluator benchmark: N seeded rows (x1, x2, three slice keys k1/k2/k3, label), a deterministic
 * logistic predictor p = sigmoid(1.3 x1 - 0.7 x2 + 0.2), the Evaluator executor on the DirectRunner
 * with slices [[], [k1], [k2], [k3]]. Dumps (p, y, k1, k2, k3) for the scikit-learn peer.
 */
public final class EvalBench {
  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(args[0]);
    Path work = Path.of(args[1]);
    var schema = DataSchema.of(Feature.of("x1", FeatureType.FLOAT, false), Feature.of("x2", FeatureType.FLOAT, false),
        Feature.of("k1", FeatureType.STRING, false), Feature.of("k2", FeatureType.STRING, false),
        Feature.of("k3", FeatureType.INT, false), Feature.of("label", FeatureType.INT, false));
    var rnd = new SplittableRandom(42);
    Path split = work.resolve("examples/Split-eval");
    int batch = 10_000;
    int perPart = 100_000;
    var dump = ByteBuffer.allocate(rows * 12).order(ByteOrder.LITTLE_ENDIAN);
    String[] k1 = {"Biscoe", "Dream", "Torgersen", "Other", "Far"};
    String[] k2 = {"MALE", "FEMALE", "NA", "X"};
    for (int start = 0, part = 0; start < rows; start += perPart, part++) {
      List<Batch> batches = new ArrayList<>();
      for (int b0 = start; b0 < Math.min(rows, start + perPart); b0 += batch) {
        var bb = new BatchBuilder(schema, batch);
        for (int i = b0; i < Math.min(rows, b0 + batch); i++) {
          int r = bb.newRow();
          double x1 = rnd.nextDouble() * 4 - 2;
          double x2 = rnd.nextDouble() * 4 - 2;
          int a = rnd.nextInt(5);
          int s = rnd.nextInt(4);
          int c = rnd.nextInt(3);
          double truth = 1 / (1 + Math.exp(-(1.5 * x1 - 0.5 * x2 + 0.3 * a - 0.5)));
          int y = rnd.nextDouble() < truth ? 1 : 0;
          bb.setDouble(0, r, x1);
          bb.setDouble(1, r, x2);
          bb.setString(2, r, k1[a]);
          bb.setString(3, r, k2[s]);
          bb.setLong(4, r, c);
          bb.setLong(5, r, y);
          dump.putDouble(Logistic.p(x1, x2)).put((byte) y).put((byte) a).put((byte) s).put((byte) c);
        }
        batches.add(bb.build());
      }
      ExamplesIO.write(split, schema, part, batches);
    }
    Files.write(work.resolve("predictions.bin"), dump.array());
    Path model = Files.createDirectories(work.resolve("model"));
    Files.writeString(model.resolve("logistic.txt"), "1.3 -0.7 0.2");
    var params = ParameterBinder.bind(EvaluatorParams.class, Map.of(
        "slices", List.of(List.of(), List.of("k1"), List.of("k2"), List.of("k3")),
        "thresholds", List.of(Map.of("metric", "auc_roc", "lower", 0.7), Map.of("metric", "accuracy", "lower", 0.6,
            "all_slices", true))));
    Map<String, List<Artifact>> in = new HashMap<>();
    in.put("examples", List.of(new Examples(work.resolve("examples").toString(), Examples.splitProperties(List.of("eval")))));
    in.put("model", List.of(new Model(model.toString(), Map.of())));
    for (int rep = 0; rep < 2; rep++) {
      Path out = work.resolve("out-" + rep);
      var input = new ExecutorInput<>(in, Map.of("evaluation", Files.createDirectories(out.resolve("evaluation")),
          "blessing", Files.createDirectories(out.resolve("blessing"))), params);
      long t0 = System.nanoTime();
      var result = new EvaluatorExecutor().execute(input,
          ExecutionContext.standalone("evaluator", work.resolve("tmp"), List.of("--runner=DirectRunner")));
      double sec = (System.nanoTime() - t0) / 1e9;
      var ev = result.outputProperties().get("evaluation");
      System.out.printf("millrace evaluator (%s, DirectRunner, 4 slicing specs): %d rows in %.2f s = %.0f rows/s; "
          + "accuracy=%.6f auc_roc=%.6f log_loss=%.6f%n", rep == 0 ? "cold" : "warm", rows, sec, rows / sec,
          ev.get("accuracy"), ev.get("auc_roc"), ev.get("log_loss"));
    }
  }

  /** The benchmark's deterministic model. */
  static final class Logistic implements Predictor {
    static double p(double x1, double x2) {
      return 1 / (1 + Math.exp(-(1.3 * x1 - 0.7 * x2 + 0.2)));
    }

    @Override
    public Predictions predict(Batch b) {
      double[] x1 = ((Column.Doubles) b.column("x1")).values();
      double[] x2 = ((Column.Doubles) b.column("x2")).values();
      long[] y = ((Column.Longs) b.column("label")).values();
      double[] scores = new double[x1.length * 2];
      double[] labels = new double[x1.length];
      for (int i = 0; i < x1.length; i++) {
        double p = p(x1[i], x2[i]);
        scores[2 * i] = 1 - p;
        scores[2 * i + 1] = p;
        labels[i] = y[i];
      }
      return new Predictions(List.of("0", "1"), scores, labels);
    }
  }

  /** Registered in META-INF/services next to this file. */
  public static final class Loader implements PredictorLoader {
    @Override
    public boolean accepts(Path modelDir) {
      return Files.exists(modelDir.resolve("logistic.txt"));
    }

    @Override
    public Predictor open(Path modelDir) {
      return new Logistic();
    }
  }
}
