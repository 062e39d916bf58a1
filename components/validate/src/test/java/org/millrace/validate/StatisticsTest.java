package org.millrace.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.millrace.api.beam.BatchCoder;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.format.StatisticsModel;
import org.millrace.validate.beam.StatisticsCombineFn;
import org.millrace.api.statistics.QuantileSketch;
import org.millrace.api.statistics.SplitAccumulator;

class StatisticsTest {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("x", FeatureType.FLOAT, true),
      Feature.of("n", FeatureType.INT, true), Feature.of("s", FeatureType.STRING, true),
      Feature.of("b", FeatureType.BOOL, true));

  static Batch tiny() {
    var b = new BatchBuilder(SCHEMA, 5);
    b.addRow(1.0, 0L, "red", true);
    b.addRow(2.0, 5L, "blue", false);
    b.addRow(3.0, 0L, "red", true);
    b.addRow(4.0, 10L, "green", true);
    b.addRow(null, null, null, null);
    return b.build();
  }

  static StatisticsModel stats(Batch... batches) {
    var acc = new SplitAccumulator();
    for (Batch b : batches) {
      acc.add(b);
    }
    return acc.result("train");
  }

  static Batch strings(int from, int to) {
    var schema = DataSchema.of(Feature.of("s", FeatureType.STRING, true));
    var b = new BatchBuilder(schema, to - from);
    for (int i = from; i < to; i++) {
      b.addRow("user-" + (i % 60_000));
    }
    return b.build();
  }

  @Test
  void distinctValuesPastTheExactLimitAreEstimatedAndMergeTheSameWay() {
    // 120,000 rows, 60,000 distinct values: each appears twice, across both halves.
    var whole = new SplitAccumulator();
    for (int at = 0; at < 120_000; at += 10_000) {
      whole.add(strings(at, at + 10_000));
    }
    var left = new SplitAccumulator();
    var right = new SplitAccumulator();
    for (int at = 0; at < 120_000; at += 10_000) {
      (at % 20_000 == 0 ? left : right).add(strings(at, at + 10_000));
    }
    left.merge(right);
    FeatureStatistics.Categorical one = whole.result("train").feature("s").orElseThrow().categorical();
    FeatureStatistics.Categorical merged = left.result("train").feature("s").orElseThrow().categorical();
    assertEquals(false, one.exact());
    assertEquals(60_000, one.unique(), 60_000 * 0.03, "HyperLogLog estimate " + one.unique());
    assertEquals(one.unique(), merged.unique(), "the estimate must not depend on how rows were split");
    // Under the limit the count stays exact.
    var small = new SplitAccumulator();
    small.add(strings(0, 9_000));
    FeatureStatistics.Categorical exact = small.result("train").feature("s").orElseThrow().categorical();
    assertEquals(true, exact.exact());
    assertEquals(9_000, exact.unique());
  }

  @Test
  void handCheckedNumbersAndStrings() {
    StatisticsModel s = stats(tiny());
    assertEquals(5, s.rows());
    FeatureStatistics x = s.feature("x").orElseThrow();
    assertEquals(4, x.present());
    assertEquals(1, x.missing());
    assertEquals(1.0, x.numeric().min());
    assertEquals(4.0, x.numeric().max());
    assertEquals(2.5, x.numeric().mean(), 1e-12);
    assertEquals(Math.sqrt(1.25), x.numeric().std(), 1e-12);
    assertEquals(2.0, x.numeric().quantiles().get("0.5"));
    assertEquals(2, s.feature("n").orElseThrow().numeric().zeros());
    var str = s.feature("s").orElseThrow().categorical();
    assertEquals(3, str.unique());
    assertEquals("red", str.top().get(0).value());
    assertEquals(2, str.top().get(0).count());
    assertEquals((3 + 4 + 3 + 5) / 4.0, str.averageLength(), 1e-12);
    assertEquals(3L, s.feature("b").orElseThrow().categorical().counts().get("true"));
  }

  @Test
  void mergeOrderDoesNotChangeTheResult() {
    Batch b = tiny();
    var a1 = new SplitAccumulator();
    a1.add(b.slice(0, 2));
    var a2 = new SplitAccumulator();
    a2.add(b.slice(2, 5));
    var left = new SplitAccumulator();
    left.merge(a1);
    left.merge(a2);
    var right = new SplitAccumulator();
    right.merge(a2);
    right.merge(a1);
    assertEquals(stats(b).toJson(), left.result("train").toJson());
    assertEquals(left.result("train").toJson(), right.result("train").toJson());
  }

  @Test
  void combineFnOnBeamEqualsTheDirectComputation() {
    Batch b = tiny();
    Pipeline p = Pipeline.create(BeamPipelines.options(List.of()));
    PCollection<String> json = p.apply(Create.of(b.slice(0, 1), b.slice(1, 3), b.slice(3, 5)).withCoder(BatchCoder.of()))
        .apply(Combine.globally(new StatisticsCombineFn("train")));
    PAssert.thatSingleton(json).isEqualTo(stats(b).toJson());
    BeamPipelines.run(p);
  }

  @Test
  void quantileSketchStaysWithinItsErrorBound() {
    var rnd = new Random(7);
    var parts = new ArrayList<QuantileSketch>();
    var all = new ArrayList<Double>();
    for (int part = 0; part < 4; part++) {
      var s = new QuantileSketch(256);
      for (int i = 0; i < 25_000; i++) {
        double v = rnd.nextGaussian();
        s.add(v);
        all.add(v);
      }
      parts.add(s);
    }
    var merged = new QuantileSketch(256);
    parts.forEach(merged::merge);
    all.sort(null);
    double median = merged.quantiles(0.5)[0];
    int rank = java.util.Collections.binarySearch(all, median);
    double rankError = Math.abs(rank - all.size() / 2.0) / all.size();
    double bound = (Math.log(100_000 / 256.0) / Math.log(2)) / 256;
    assertTrue(rankError < bound, "rank error " + rankError + " above the documented log2(n/k)/k bound " + bound);
    assertEquals(100_000, merged.count());
  }
}
