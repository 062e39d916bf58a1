package org.millrace.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.graph.GraphOp;

/** Each fitted op against constants computed by hand on tiny data. */
class FittedOpsTest {
  // x: 1, 2, 2, 4, 11 and one missing; c: u, u, v, w, u, missing
  static final Object[][] ROWS = {{"a", 1.0, "u"}, {"b", 2.0, "u"}, {"a", 2.0, "v"}, {"b", 4.0, "w"},
      {"a", 11.0, "u"}, {"b", null, null}};

  static Graph fit(String features) {
    return BadInputTest.fit(features, "", ROWS);
  }

  static Map<String, Object> row(Object x, Object c) {
    var m = new HashMap<String, Object>();
    m.put("x", x);
    m.put("c", c);
    return m;
  }

  @Test
  void fillStrategies() {
    Graph g = fit("""
          - {feature: x, name: mean, ops: [{fill_missing: mean, indicator: true}]}
          - {feature: x, name: median, ops: [{fill_missing: median}]}
          - {feature: x, name: mode, ops: [{fill_missing: mode}]}
          - {feature: x, name: const, ops: [{fill_missing: {strategy: constant, value: -1}}]}
          - {feature: c, name: cmode, ops: [{fill_missing: mode}, {vocabulary: {num_oov_buckets: 0}}]}
        """);
    assertEquals(List.of("mean", "mean_is_missing", "median", "mode", "const", "cmode_id"), g.featureNames());
    // mean 20/5 = 4; median = value at rank floor(0.5*4)=2 of [1,2,2,4,11] = 2; mode 2; vocabulary u(3) v w
    assertArrayEquals(new float[] {4f, 1f, 2f, 2f, -1f, 0f}, g.applyRow(row(null, null)));
    assertArrayEquals(new float[] {7f, 0f, 7f, 7f, 7f, 2f}, g.applyRow(row(7, "w")));
  }

  @Test
  void scalingOps() {
    Graph g = fit("""
          - {feature: x, name: z, ops: [{fill_missing: {strategy: constant, value: 4}}, zscore]}
          - {feature: x, name: mm, ops: [{fill_missing: {strategy: constant, value: 1}}, min_max]}
          - {feature: x, name: lg, ops: [{fill_missing: {strategy: constant, value: 0}}, log1p, {clip: {max: 2}}]}
        """);
    // z: values 1,2,2,4,11,4: mean 4, population variance (9+4+4+0+49+0)/6 = 11
    var z = (GraphOp.ZScore) g.pipelines().get(0).ops().get(1);
    assertEquals(4.0, z.mean(), 1e-15);
    assertEquals(Math.sqrt(11), z.std(), 1e-15);
    assertEquals(new GraphOp.MinMax(1, 11), g.pipelines().get(1).ops().get(1));
    float[] v = g.applyRow(row(6.0, "u"));
    assertEquals((float) (2 / Math.sqrt(11)), v[0]);
    assertEquals(0.5f, v[1]);
    assertEquals(Math.log1p(6) > 2 ? 2f : (float) Math.log1p(6), v[2]);
  }

  @Test
  void bucketizeAndVocabularyOptions() {
    Graph g = fit("""
          - {feature: x, ops: [{fill_missing: median}, {bucketize: {quantiles: 2}}]}
          - {feature: x, name: fixed, ops: [{fill_missing: median}, {bucketize: {boundaries: [0, 3]}}, one_hot]}
          - {feature: c, ops: [{vocabulary: {top_k: 1, num_oov_buckets: 1}}, one_hot]}
        """);
    // quantiles 2 on [1,2,2,2,4,11] (median fill 2): boundary at rank floor(0.5*5)=2 -> 2
    assertEquals(new GraphOp.Bucketize(List.of(2.0)), g.pipelines().get(0).ops().get(1));
    assertEquals(new GraphOp.Vocabulary(List.of("u"), 1), g.pipelines().get(2).ops().get(0));
    assertEquals(List.of("x_id", "fixed=bucket_0", "fixed=bucket_1", "fixed=bucket_2", "c=u", "c=__oov_0__"),
        g.featureNames());
    assertArrayEquals(new float[] {1f, 0f, 1f, 0f, 0f, 1f}, g.applyRow(row(2.5, "v")));
    assertArrayEquals(new float[] {0f, 1f, 0f, 0f, 1f, 0f}, g.applyRow(row(-1, "u")));
  }
}
