package org.millrace.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

/**
 * Metrics against hand-computed values (these agree with scikit-learn's accuracy_score,
 * log_loss, precision/recall/f1 with average='macro', roc_auc_score and mean_squared_error etc.
 * on the same data — worked out in the comments).
 */
class MetricsTest {
  @Test
  void binaryClassification() {
    // labels 1,0,1,0 with P(class 1) = 0.9, 0.2, 0.4, 0.6
    var acc = new MetricsAccumulator(2);
    float[][] rows = {{0.1f, 0.9f}, {0.8f, 0.2f}, {0.6f, 0.4f}, {0.4f, 0.6f}};
    float[] labels = {1, 0, 1, 0};
    for (int i = 0; i < 4; i++) {
      acc.add(rows[i], 0, labels[i]);
    }
    Map<String, Double> m = acc.metrics();
    assertEquals(4.0, m.get("example_count"));
    assertEquals(0.5, m.get("accuracy"), 1e-12);
    // log loss = -(ln .9 + ln .8 + ln .4 + ln .4) / 4
    assertEquals(-(Math.log(.9) + Math.log(.8) + Math.log(.4) + Math.log(.4)) / 4, m.get("log_loss"), 1e-6);
    // class 1: tp 1, predicted 2, actual 2 -> p .5 r .5; class 0 likewise -> macro .5
    assertEquals(0.5, m.get("precision_macro"), 1e-12);
    assertEquals(0.5, m.get("f1_macro"), 1e-12);
    // roc_auc_score([1,0,1,0], [.9,.2,.4,.6]) = 0.75 (pairs: .9>.2, .9>.6, .4>.2, .4<.6)
    assertEquals(0.75, m.get("auc_roc"), 1e-3);
    assertEquals(List.of(List.of(1L, 1L), List.of(1L, 1L)),
        List.of(List.of(acc.confusionMatrix()[0][0], acc.confusionMatrix()[0][1]),
            List.of(acc.confusionMatrix()[1][0], acc.confusionMatrix()[1][1])));
  }

  @Test
  void regression() {
    var acc = new MetricsAccumulator(0);
    float[] pred = {2.5f, 0f, 2f, 8f};
    float[] y = {3f, -0.5f, 2f, 7f};
    for (int i = 0; i < 4; i++) {
      acc.add(pred, i, y[i]);
    }
    Map<String, Double> m = acc.metrics();
    // mean_squared_error = (0.25 + 0.25 + 0 + 1) / 4 = 0.375; r2_score = 0.9486081370449679
    assertEquals(0.375, m.get("mse"), 1e-12);
    assertEquals(Math.sqrt(0.375), m.get("rmse"), 1e-12);
    assertEquals(0.5, m.get("mae"), 1e-12);
    assertEquals(0.9486081370449679, m.get("r2"), 1e-9);
  }

  @Test
  void mergingEqualsOnePass() {
    var all = new MetricsAccumulator(3);
    var a = new MetricsAccumulator(3);
    var b = new MetricsAccumulator(3);
    for (int i = 0; i < 30; i++) {
      float[] p = {0.2f + (i % 3) * 0.1f, 0.5f - (i % 3) * 0.1f, 0.3f};
      all.add(p, 0, i % 3);
      (i < 11 ? a : b).add(p, 0, i % 3);
    }
    a.merge(b);
    assertEquals(all.metrics().keySet(), a.metrics().keySet());
    all.metrics().forEach((k, v) -> assertEquals(v, a.metrics().get(k), 1e-12, k));
  }

  static EvaluatorParams params(Map<String, Object> raw) {
    return ParameterBinder.bind(EvaluatorParams.class, raw);
  }

  @Test
  void noThresholdsIsRejectedUnlessAlwaysBless() {
    var e = assertThrows(ParameterException.class, () -> params(Map.of()));
    assertTrue(e.getMessage().startsWith("thresholds expected at least one value or change threshold, got none."),
        e.getMessage());
    assertTrue(Blessing.decide(params(Map.of("always_bless", true)), Map.of("accuracy", 0.1), null).blessed());
  }

  @Test
  void valueChangeAndFirstRunPolicies() {
    var p = params(Map.of("thresholds", Map.of("accuracy", Map.of("lower", 0.9)),
        "change_thresholds", Map.of("accuracy", Map.of("higher_is_better", true, "absolute", -0.01))));
    assertTrue(Blessing.decide(p, Map.of("accuracy", 0.95), null).blessed(), "first run, bless_if_no_baseline");
    var worse = Blessing.decide(p, Map.of("accuracy", 0.92), Map.of("accuracy", 0.95));
    assertFalse(worse.blessed());
    assertEquals("accuracy expected improvement >= -0.01 (higher is better) vs the baseline, got 0.920000 vs 0.950000"
        + " (change -0.030000)", worse.checks().get(1).message());
    assertTrue(Blessing.decide(p, Map.of("accuracy", 0.945), Map.of("accuracy", 0.95)).blessed());
    var low = Blessing.decide(p, Map.of("accuracy", 0.85), null);
    assertEquals("not blessed: 1 of 2 checks failed", low.summary());

    var strict = params(Map.of("first_run", "require_baseline",
        "change_thresholds", Map.of("log_loss", Map.of("higher_is_better", false, "relative", 0.0))));
    var none = Blessing.decide(strict, Map.of("log_loss", 0.3), null);
    assertFalse(none.blessed());
    assertEquals("change thresholds expected a blessed baseline model, got none (first_run: require_baseline)",
        none.checks().get(0).message());
    assertTrue(Blessing.decide(strict, Map.of("log_loss", 0.3), Map.of("log_loss", 0.31)).blessed());
    assertFalse(Blessing.decide(strict, Map.of("log_loss", 0.32), Map.of("log_loss", 0.31)).blessed());
    assertTrue(Blessing.table(none).contains("FAIL"));
  }
}
