package org.millrace.evaluator.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.millrace.api.format.SliceMetrics;

/**
 * Compares metrics with scikit-learn on fixed predictions (src/test/resources/sklearn, regenerate
 * with make_expected.py). Tolerances: count-based metrics and log loss 1e-9; AUC-ROC/AUC-PR from
 * 10,000-bucket histograms 1e-3 (the documented resolution error).
 */
class MetricsVsSklearnTest {
  private static final double EXACT = 1e-9;
  private static final double AUC = 1e-3;
  private static JsonNode expected;

  @BeforeAll
  static void load() throws IOException {
    try (var in = MetricsVsSklearnTest.class.getResourceAsStream("/sklearn/expected.json")) {
      expected = new ObjectMapper().readTree(in);
    }
  }

  private static SliceAccumulator binary(boolean weighted) {
    JsonNode b = expected.get("binary");
    var acc = new SliceAccumulator(2, 10_000);
    for (int i = 0; i < b.get("labels").size(); i++) {
      double p = b.get("p1").get(i).asDouble();
      double w = weighted ? b.get("weights").get(i).asDouble() : 1.0;
      acc.addClassification(new double[] {1 - p, p}, 0, b.get("labels").get(i).asInt(), w);
    }
    return acc;
  }

  @Test
  void binaryMatchesSklearn() {
    JsonNode b = expected.get("binary");
    SliceMetrics s = MetricsCalculator.compute(binary(false));
    Map<String, Double> m = s.metrics();
    for (String k : new String[] {"accuracy", "precision", "recall", "f1", "log_loss"}) {
      assertEquals(b.get(k).asDouble(), m.get(k), EXACT, k);
    }
    assertEquals(b.get("auc_roc").asDouble(), m.get("auc_roc"), AUC);
    assertEquals(b.get("auc_pr").asDouble(), m.get("auc_pr"), AUC);
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 2; c++) {
        assertEquals(b.get("confusion").get(r).get(c).asDouble(), s.confusion().get(r)[c], EXACT);
      }
    }
    assertEquals(3000.0, m.get("example_count"));
    double sumP = 0;
    double sumY = 0;
    for (int i = 0; i < 3000; i++) {
      sumP += b.get("p1").get(i).asDouble();
      sumY += b.get("labels").get(i).asDouble();
    }
    assertEquals(sumP / 3000, m.get("mean_prediction"), EXACT);
    assertEquals(sumY / 3000, m.get("mean_label"), EXACT);
    assertEquals(sumP / sumY, m.get("calibration"), EXACT);
    assertTrue(s.roc().size() > 50 && s.calibration().size() == 10);
  }

  @Test
  void weightedBinaryMatchesSklearn() {
    JsonNode b = expected.get("binary");
    Map<String, Double> m = MetricsCalculator.compute(binary(true)).metrics();
    assertEquals(b.get("weighted_accuracy").asDouble(), m.get("accuracy"), EXACT);
    assertEquals(b.get("weighted_log_loss").asDouble(), m.get("log_loss"), EXACT);
    assertEquals(b.get("weighted_auc_roc").asDouble(), m.get("auc_roc"), AUC);
  }

  @Test
  void multiclassMatchesSklearn() {
    JsonNode mc = expected.get("multiclass");
    var acc = new SliceAccumulator(3, 10_000);
    for (int i = 0; i < mc.get("labels").size(); i++) {
      JsonNode p = mc.get("probs").get(i);
      acc.addClassification(new double[] {p.get(0).asDouble(), p.get(1).asDouble(), p.get(2).asDouble()}, 0,
          mc.get("labels").get(i).asInt(), 1.0);
    }
    Map<String, Double> m = MetricsCalculator.compute(acc).metrics();
    for (String k : new String[] {"accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_micro", "log_loss"}) {
      assertEquals(mc.get(k).asDouble(), m.get(k), EXACT, k);
    }
    assertEquals(mc.get("auc_roc_macro").asDouble(), m.get("auc_roc_macro"), AUC);
  }

  @Test
  void regressionMatchesSklearn() {
    JsonNode r = expected.get("regression");
    var acc = new SliceAccumulator(0, 10_000);
    for (int i = 0; i < r.get("labels").size(); i++) {
      acc.addRegression(r.get("predictions").get(i).asDouble(), r.get("labels").get(i).asDouble(), 1.0);
    }
    Map<String, Double> m = MetricsCalculator.compute(acc).metrics();
    assertEquals(r.get("mse").asDouble(), m.get("mse"), EXACT);
    assertEquals(Math.sqrt(r.get("mse").asDouble()), m.get("rmse"), EXACT);
    assertEquals(r.get("mae").asDouble(), m.get("mae"), EXACT);
    assertEquals(r.get("r2").asDouble(), m.get("r2"), 1e-7);
  }

  @Test
  void mergedPartsEqualWholeAndSurviveEncoding() throws IOException {
    JsonNode b = expected.get("binary");
    var left = new SliceAccumulator(2, 10_000);
    var right = new SliceAccumulator(2, 10_000);
    for (int i = 0; i < b.get("labels").size(); i++) {
      double p = b.get("p1").get(i).asDouble();
      (i % 3 == 0 ? left : right).addClassification(new double[] {1 - p, p}, 0, b.get("labels").get(i).asInt(), 1);
    }
    var bytes = new ByteArrayOutputStream();
    right.write(new DataOutputStream(bytes));
    left.merge(SliceAccumulator.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    Map<String, Double> merged = MetricsCalculator.compute(left).metrics();
    Map<String, Double> whole = MetricsCalculator.compute(binary(false)).metrics();
    for (var e : whole.entrySet()) {
      assertEquals(e.getValue(), merged.get(e.getKey()), 1e-12, e.getKey());
    }
    assertArrayEquals(new double[] {merged.get("auc_roc")}, new double[] {whole.get("auc_roc")}, 1e-12);
  }

  @Test
  void rejectsBadLabelAndMismatchedMerge() {
    var acc = new SliceAccumulator(2, 100);
    var e = assertThrows(IllegalArgumentException.class, () -> acc.addClassification(new double[] {0.5, 0.5}, 0, 2, 1));
    assertEquals("label expected a class index in [0, 2), got 2", e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> acc.merge(new SliceAccumulator(3, 100)));
    assertTrue(e2.getMessage().startsWith("merge expected 2 classes/100 buckets, got 3/100"), e2.getMessage());
  }
}
