package org.millrace.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.transform.graph.Graph;
import org.millrace.trainer.backend.MatMul;
import org.millrace.trainer.model.ModelFiles;
import org.millrace.trainer.nn.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Loss;
import org.millrace.trainer.nn.Network;

/** The executor on a real (hand-weighted) model over raw examples, with slices and a baseline. */
class EvaluatorExecutorTest {
  @TempDir
  Path dir;

  static final String GRAPH = """
      {"format":"millrace.transform_graph","format_version":1,"nan_policy":"error",
       "inputs":[{"name":"x","type":"float"}],
       "features":[{"name":"x","sources":["x"],"categorical":false,"ops":[{"op":"zscore","mean":0.0,"std":1.0}],
         "outputs":["x_zscore"]}],
       "label":{"feature":"y","task":"classification","type":"string","vocabulary":["neg","pos"]},
       "output_schema":{"dim":1,"names":["x_zscore"]}}
      """;

  /** logits = (-s x, s x): positive x means class "pos"; a larger s is more confident. */
  Path model(String name, float s) throws Exception {
    var d = new Dense(1, 2, Activation.LINEAR, 0f);
    d.weights()[0] = -s;
    d.weights()[1] = s;
    Path m = dir.resolve(name);
    ModelFiles.write(m, new Network(List.of(d), new MatMul(1)), Loss.SOFTMAX_CROSS_ENTROPY, Graph.fromJson(GRAPH),
        Map.of("test", true));
    return m;
  }

  Path examples() throws Exception {
    if (Files.exists(dir.resolve("examples"))) {
      return dir.resolve("examples");
    }
    var schema = DataSchema.of(Feature.of("x", FeatureType.FLOAT, false), Feature.of("y", FeatureType.STRING, false),
        Feature.of("group", FeatureType.STRING, false));
    var b = new BatchBuilder(schema, 100);
    for (int i = 0; i < 100; i++) {
      double x = (i - 50) / 10.0;
      String y = (i % 10 == 0) == (x > 0) ? "neg" : "pos"; // 10% of labels disagree with the sign of x
      b.addRow(x, y, i < 95 ? "big" : "tiny");
    }
    Path ex = dir.resolve("examples");
    ExamplesIO.write(ex.resolve("Split-eval"), schema, 0, List.of(b.build()));
    return ex;
  }

  Map<String, Object> run(Path candidate, Path baseline, Map<String, Object> params) throws Exception {
    Path eval = Files.createDirectories(dir.resolve("eval-" + candidate.getFileName()));
    Path bless = Files.createDirectories(dir.resolve("bless-" + candidate.getFileName()));
    var inputs = new java.util.HashMap<String, List<Artifact>>();
    inputs.put("examples", List.of(new Examples(examples().toString(), Examples.splitProperties(List.of("eval")))));
    inputs.put("model", List.of(new Model(candidate.toString(), Map.of())));
    if (baseline != null) {
      inputs.put("baseline_model", List.of(new Model(baseline.toString(), Map.of())));
    }
    var result = new EvaluatorExecutor().execute(new ExecutorInput<>(inputs, Map.of("evaluation", eval, "blessing", bless),
        ParameterBinder.bind(EvaluatorParams.class, params)), ExecutionContext.standalone("evaluator", dir, List.of()));
    assertTrue(Files.readString(eval.resolve("index.html")).contains("<table>"));
    var json = Files.readString(eval.resolve("evaluation.json"));
    return Map.of("result", result.outputProperties(), "evaluation", json,
        "blessing", Files.readString(bless.resolve("blessing.json")));
  }

  @Test
  void slicesThresholdsAndBaseline() throws Exception {
    Path good = model("good", 4f);
    Path weak = model("weak", -4f); // predicts the opposite class
    var params = Map.<String, Object>of("slices", List.of(List.of(), List.of("group")), "min_slice_size", 10,
        "thresholds", Map.of("accuracy", Map.of("lower", 0.8)),
        "change_thresholds", Map.of("accuracy", Map.of("higher_is_better", true, "absolute", 0.0)));
    var first = run(good, null, params);
    @SuppressWarnings("unchecked")
    var blessing = ((Map<String, Map<String, Object>>) first.get("result")).get("blessing");
    assertEquals(1L, blessing.get("blessed"));
    String eval = (String) first.get("evaluation");
    assertTrue(eval.contains("\"group=big\"") && eval.contains("\"suppressed_slices\" : [ \"group=tiny (5 examples)\" ]"),
        eval);
    assertTrue(eval.contains("\"accuracy\" : 0.9"), eval);

    var second = run(weak, good, params);
    @SuppressWarnings("unchecked")
    var b2 = ((Map<String, Map<String, Object>>) second.get("result")).get("blessing");
    assertEquals(0L, b2.get("blessed"));
    assertTrue(((String) second.get("blessing")).contains("vs the baseline, got 0.090000 vs 0.900000"),
        (String) second.get("blessing"));
  }
}
