package org.millrace.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterException;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.analyze.LocalAnalysis;
import org.millrace.transform.graph.Graph;

class BadInputTest {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("y", FeatureType.STRING, false),
      Feature.of("x", FeatureType.FLOAT, true), Feature.of("c", FeatureType.STRING, true));

  static Graph fit(String features, String extra, Object[]... rows) {
    var b = new BatchBuilder(SCHEMA, rows.length);
    for (Object[] r : rows) {
      b.addRow(r);
    }
    Batch batch = b.build();
    var params = TestData.params("label: {feature: y}\n" + extra + "features:\n" + features);
    return LocalAnalysis.fit(new GraphBuilder(params, SCHEMA), List.of(batch));
  }

  static final Object[][] ROWS = {{"a", 1.0, "u"}, {"b", 2.0, "v"}, {"a", 3.0, null}};

  @Test
  void unknownFeature() {
    var e = assertThrows(ParameterException.class, () -> fit("  - {feature: nope, ops: [zscore]}\n", "", ROWS));
    assertEquals("features[0].feature", e.path());
    assertEquals("feature expected one of the raw features [y, x, c], got 'nope'", e.getMessage());
  }

  @Test
  void zscoreOnString() {
    var e = assertThrows(ParameterException.class, () -> fit("  - {feature: c, ops: [zscore]}\n", "", ROWS));
    assertEquals("features[0].ops[0]", e.path());
    assertTrue(e.getMessage().startsWith("op zscore on feature 'c' expected a numeric feature, got string feature 'c'"),
        e.getMessage());
  }

  @Test
  void badOpOrder() {
    var e = assertThrows(ParameterException.class, () -> fit("  - {feature: x, ops: [zscore, one_hot]}\n", "", ROWS));
    assertEquals("features[0].ops", e.path());
    assertTrue(e.getMessage().contains("op one_hot (ops[1]) of feature 'x' expected to be the last op, after vocabulary"),
        e.getMessage());
  }

  @Test
  void emptyVocabulary() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> fit("  - {feature: c, ops: [{vocabulary: {min_frequency: 5}}]}\n", "", ROWS));
    assertTrue(e.getMessage().startsWith("op vocabulary at features[0].ops[0] on feature 'c' expected at least one term "
        + "with frequency >= 5, got an empty vocabulary (2 distinct terms)"), e.getMessage());
  }

  @Test
  void allMissingColumn() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> fit("  - {feature: x, ops: [{fill_missing: mean}]}\n", "", new Object[] {"a", null, "u"},
            new Object[] {"b", null, "v"}));
    assertTrue(e.getMessage().startsWith("op fill_missing at features[0].ops[0] on feature 'x' expected at least one value"
        + " to fit, got none (2 rows, all missing)"), e.getMessage());
  }

  @Test
  void nanPolicy() {
    Object[][] rows = {{"a", 1.0, "u"}, {"b", Double.NaN, "v"}, {"a", 3.0, "u"}};
    var e = assertThrows(IllegalArgumentException.class, () -> fit("  - {feature: x, ops: [zscore]}\n", "", rows));
    assertTrue(e.getMessage().startsWith("feature 'x' expected a finite number, got NaN. Set nan_policy: missing"),
        e.getMessage());
    // Which row, as an error applying the graph says (fitting named none).
    assertTrue(e.getMessage().contains(" [in the row {") && e.getMessage().contains("x: NaN"), e.getMessage());
    Graph g = fit("  - {feature: x, ops: [{fill_missing: mean, indicator: true}, zscore]}\n", "nan_policy: missing\n", rows);
    var row = new HashMap<String, Object>();
    row.put("x", Double.POSITIVE_INFINITY);
    float[] v = g.applyRow(row);
    assertEquals(0f, v[0]);  // filled with the mean (2.0), z-scored
    assertEquals(1f, v[1]);  // is-missing indicator
  }

  @Test
  void unseenValuesGoToOovAndNeverCrashServing() {
    Graph g = fit("  - {feature: c, ops: [{fill_missing: mode}, {vocabulary: {num_oov_buckets: 2}}, one_hot]}\n"
        + "  - {cross: [c, x], ops: [{hash: {buckets: 3}}, one_hot]}\n", "", ROWS);
    assertEquals(List.of("c=u", "c=v", "c=__oov_0__", "c=__oov_1__", "c_x_x=hash_0", "c_x_x=hash_1", "c_x_x=hash_2"),
        g.featureNames());
    for (String unseen : List.of("w", "zzz", "", "Ünïcødé")) {
      var row = new HashMap<String, Object>();
      row.put("c", unseen);
      row.put("x", 99);
      float[] v = g.applyRow(row);
      assertEquals(0f, v[0] + v[1]);
      assertEquals(1f, v[2] + v[3], "unseen '" + unseen + "' goes to exactly one OOV bucket");
    }
    float[] missing = g.applyRow(new HashMap<>());
    assertEquals(1f, missing[0]);  // mode 'u' fills a missing value
  }

  @Test
  void unseenLabelNamesValueAndVocabulary() {
    Graph g = fit("  - {feature: x, ops: [{fill_missing: median}]}\n", "", ROWS);
    var e = assertThrows(IllegalArgumentException.class, () -> g.encodeLabel("zebra"));
    assertEquals("label 'y' expected one of the classes [a, b], got 'zebra' (unseen when the graph was fitted)",
        e.getMessage());
  }
}
