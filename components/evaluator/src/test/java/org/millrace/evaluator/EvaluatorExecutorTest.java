package org.millrace.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Blessing.Check;
import org.millrace.api.artifact.Blessing;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.EvaluationResult;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;
import org.millrace.evaluator.component.EvaluatorExecutor;
import org.millrace.evaluator.component.EvaluatorSpec;

class EvaluatorExecutorTest {
  @TempDir Path tmp;
  private Examples examples;

  /** 600 rows: island A/B/C (C only 5 rows), sex M/F; 'good' scores track the label, 'poor' are noise. */
  @BeforeEach
  void data() {
    var schema = DataSchema.of(Feature.of("island", FeatureType.STRING, false), Feature.of("sex", FeatureType.STRING, false),
        Feature.of("label", FeatureType.INT, false), Feature.of("good", FeatureType.FLOAT, false),
        Feature.of("poor", FeatureType.FLOAT, false));
    var rnd = new Random(7);
    var batches = new ArrayList<org.millrace.api.data.Batch>();
    for (int part = 0; part < 3; part++) {
      var bb = new BatchBuilder(schema, 200);
      for (int i = 0; i < 200; i++) {
        int r = bb.newRow();
        int global = part * 200 + i;
        bb.setString(0, r, global < 5 ? "C" : global % 2 == 0 ? "A" : "B");
        bb.setString(1, r, global % 3 == 0 ? "M" : "F");
        int y = rnd.nextInt(2);
        bb.setLong(2, r, y);
        bb.setDouble(3, r, Math.min(0.99, Math.max(0.01, (y == 1 ? 0.75 : 0.25) + rnd.nextGaussian() * 0.2)));
        bb.setDouble(4, r, rnd.nextDouble());
      }
      batches.add(bb.build());
    }
    Path uri = tmp.resolve("examples");
    ExamplesIO.write(uri.resolve("Split-eval"), schema, 0, batches);
    examples = new Examples(uri.toString(), Examples.splitProperties(List.of("eval")));
  }

  private ExecutorResult run(Map<String, Object> rawParams, String candidateColumn, String baselineColumn)
      throws IOException {
    var params = ParameterBinder.bind(EvaluatorParams.class, rawParams);
    Map<String, List<Artifact>> in = new HashMap<>();
    in.put("examples", List.of(examples));
    in.put("model", List.of(new Model(ScoreColumnPredictor.write(tmp.resolve("cand"), candidateColumn).toString(), Map.of())));
    if (baselineColumn != null) {
      in.put("baseline_model",
          List.of(new Model(ScoreColumnPredictor.write(tmp.resolve("base"), baselineColumn).toString(), Map.of())));
    }
    var input = new ExecutorInput<>(in, Map.of("evaluation", tmp.resolve("evaluation"), "blessing", tmp.resolve("blessing")),
        params);
    Files.createDirectories(tmp.resolve("evaluation"));
    Files.createDirectories(tmp.resolve("blessing"));
    return new EvaluatorExecutor().execute(input, ExecutionContext.standalone("evaluator", tmp.resolve("t"), List.of()));
  }

  private Blessing blessing() {
    return Json.read(tmp.resolve("blessing/blessing.json"), Blessing.class);
  }

  private static Map<String, Object> accuracyAtLeast(double lower) {
    return Map.of("metric", "accuracy", "lower", lower);
  }

  @Test
  void noThresholdsIsRejectedUnlessAlwaysBless() throws IOException {
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(EvaluatorParams.class, Map.of()));
    assertTrue(e.getMessage().contains("thresholds expected at least one metric threshold, got none"), e.getMessage());
    assertTrue(e.getMessage().contains("always_bless: true"), e.getMessage());
    ExecutorResult r = run(Map.of("always_bless", true), "poor", null);
    assertEquals(1L, r.properties(EvaluatorSpec.BLESSING).get("blessed"));
    assertEquals("always_bless", blessing().checks().get(0).kind());
  }

  @Test
  void valueThresholdBlessesGoodModelAndRejectsPoorOne() throws IOException {
    ExecutorResult good = run(Map.of("thresholds", List.of(accuracyAtLeast(0.7))), "good", null);
    assertEquals(1L, good.properties(EvaluatorSpec.BLESSING).get("blessed"));
    assertEquals(600.0, good.properties(EvaluatorSpec.EVALUATION).get("example_count"));
    ExecutorResult poor = run(Map.of("thresholds", List.of(accuracyAtLeast(0.7))), "poor", null);
    assertEquals(0L, poor.properties(EvaluatorSpec.BLESSING).get("blessed"));
    Check c = blessing().failedChecks().get(0);
    assertEquals("accuracy", c.metric());
    assertEquals(SliceKeys.OVERALL, c.slice());
    assertEquals(0.7, c.threshold());
    assertTrue(c.observed() < 0.7);
    String report = BlessingReport.render(tmp.resolve("blessing"));
    assertTrue(report.startsWith("NOT BLESSED (evaluator): 1 check(s) failed"), report);
    assertTrue(report.contains("FAIL") && report.contains("< lower bound 0.700000"), report);
  }

  @Test
  void firstRunPolicyDecidesChangeThresholdsWithoutBaseline() throws IOException {
    Map<String, Object> change = Map.of("metric", "auc_roc", "change_absolute", 0.0);
    run(Map.of("thresholds", List.of(change)), "good", null);
    assertTrue(blessing().blessed());
    assertEquals("skipped", blessing().checks().get(0).status());
    assertTrue(blessing().checks().get(0).message().contains("first_run: bless_if_no_baseline"));
    run(Map.of("thresholds", List.of(change), "first_run", "require_baseline"), "good", null);
    assertFalse(blessing().blessed());
    assertEquals("no baseline model; first_run: require_baseline", blessing().failedChecks().get(0).message());
  }

  @Test
  void changeThresholdComparesWithBaseline() throws IOException {
    Map<String, Object> change = Map.of("metric", "auc_roc", "change_absolute", 0.0);
    run(Map.of("thresholds", List.of(change)), "poor", "good");
    Blessing b = blessing();
    assertFalse(b.blessed());
    Check c = b.failedChecks().get(0);
    assertEquals("change_absolute", c.kind());
    assertTrue(c.baseline() > 0.8 && c.observed() < 0.6, c.toString());
    run(Map.of("thresholds", List.of(Map.of("metric", "log_loss", "change_relative", 0.1, "higher_is_better", false))),
        "good", "poor");
    assertTrue(blessing().blessed(), BlessingReport.render(blessing()));
  }

  @Test
  void slicesCrossedSuppressedAndPerSliceThresholds() throws IOException {
    Map<String, Object> params = Map.of("slices", List.of(List.of(), List.of("island"), List.of("island", "sex")),
        "min_slice_size", 10,
        "thresholds", List.of(Map.of("metric", "accuracy", "lower", 0.6, "all_slices", true),
            Map.of("metric", "accuracy", "lower", 0.5, "slice", Map.of("island", "C"))));
    ExecutorResult r = run(params, "good", null);
    EvaluationResult ev = EvaluationResult.read(tmp.resolve("evaluation"));
    assertTrue(ev.slices().keySet().containsAll(List.of("Overall", "island=A", "island=B", "island=A,sex=M")));
    assertEquals(Map.of("island=C", 5L, "island=C,sex=F", 3L, "island=C,sex=M", 2L), ev.suppressed());
    double a = ev.slices().get("island=A").metrics().get("example_count");
    double b = ev.slices().get("island=B").metrics().get("example_count");
    assertEquals(595.0, a + b);
    assertEquals(3L, r.properties(EvaluatorSpec.EVALUATION).get("suppressed_slice_count"));
    Blessing bl = blessing();
    assertFalse(bl.blessed());
    Check c = bl.failedChecks().get(0);
    assertEquals("island=C", c.slice());
    assertTrue(c.message().contains("fewer than min_slice_size=10"), c.message());
    String html = Files.readString(tmp.resolve("evaluation/index.html"));
    assertTrue(html.contains("<svg") && html.contains("island=A,sex=M") && html.contains("Suppressed slices"));
  }

  @Test
  void unknownSliceFeatureAndSplitAreNamed() throws IOException {
    var e = assertThrows(RuntimeException.class, () -> run(Map.of("always_bless", true,
        "slices", List.of(List.of("colour"))), "good", null));
    Throwable root = e;
    while (root.getCause() != null && !root.getMessage().contains("slice feature")) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().contains("slice feature expected one of [island, sex, label, good, poor], got 'colour'"),
        root.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> run(Map.of("always_bless", true, "split", "test"), "good", null));
    assertTrue(e2.getMessage().startsWith("split expected one of [eval], got 'test'"), e2.getMessage());
  }

  @Test
  void thresholdWithoutBoundsIsRejected() {
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(EvaluatorParams.class,
        Map.of("thresholds", List.of(Map.of("metric", "accuracy")))));
    assertTrue(e.getMessage().contains("expected at least one of lower, upper, change_absolute, change_relative"),
        e.getMessage());
  }
}
