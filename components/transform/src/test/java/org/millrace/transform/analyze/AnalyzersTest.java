package org.millrace.transform.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Column;

class AnalyzersTest {

  static Column.Doubles doubles(double... v) {
    return new Column.Doubles(v, new BitSet());
  }

  @Test
  void momentsMatchHandValues() {
    var s = new NumericStats();
    s.add(doubles(2, 4, 4, 4));
    var t = new NumericStats();
    t.add(doubles(5, 5, 7, 9));
    s.merge(t);
    assertEquals(8, s.count());
    assertEquals(5.0, s.mean());
    assertEquals(2.0, s.std());  // the classic population-std example
    assertEquals(2.0, s.min());
    assertEquals(9.0, s.max());
    assertEquals(4.0, s.sketch().quantile(0.5));  // rank floor(0.5*7)=3 -> 4
    assertEquals(4.0, s.sketch().mode());
  }

  @Test
  void momentsAreStableForLargeOffsets() {
    var s = new NumericStats();
    s.add(doubles(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16));
    assertEquals(1e9 + 10, s.mean());
    assertEquals(Math.sqrt(22.5), s.std(), 1e-9);
  }

  @Test
  void mergeOrderDoesNotChangeAnyBit() {
    var rnd = new Random(7);
    var parts = new ArrayList<NumericStats>();
    for (int p = 0; p < 20; p++) {
      double[] v = new double[500];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextGaussian() * 1e3 + 1e6;
      }
      var s = new NumericStats();
      s.add(doubles(v));
      parts.add(s);
    }
    String forward = mergeAll(parts);
    Collections.shuffle(parts, new Random(3));
    assertEquals(forward, mergeAll(parts));
  }

  static String mergeAll(List<NumericStats> parts) {
    var copies = parts.stream().map(p -> NumericStats.fromJson(p.toJson())).toList();
    var out = new NumericStats();
    copies.forEach(out::merge);
    return out.toJson().toString() + out.mean() + out.std();
  }

  @Test
  void sketchIsExactWhenSmallAndWithinDocumentedErrorWhenLarge() {
    var exact = new QuantileSketch();
    for (int i = 1; i <= 100; i++) {
      exact.add(i);
    }
    assertTrue(exact.isExact());
    assertEquals(25.0, exact.quantile(0.25));  // rank floor(0.25*99)=24 -> 25
    assertEquals(100.0, exact.quantile(1.0));

    var rnd = new Random(11);
    int n = 200_000;
    double[] all = new double[n];
    var a = new QuantileSketch();
    var b = new QuantileSketch();
    for (int i = 0; i < n; i++) {
      all[i] = Math.exp(rnd.nextGaussian() * 2) * (rnd.nextBoolean() ? 1 : -1);
      (i % 2 == 0 ? a : b).add(all[i]);
    }
    a.merge(b);
    assertFalse(a.isExact());
    Arrays.sort(all);
    for (double q : new double[] {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
      double truth = all[(int) Math.floor(q * (n - 1))];
      double got = a.quantile(q);
      assertTrue(Math.abs(got - truth) <= QuantileSketch.ALPHA * Math.abs(truth) * 1.0000001,
          "q=" + q + " truth " + truth + " got " + got);
    }
  }

  @Test
  void sketchMergeIsOrderFree() {
    var rnd = new Random(5);
    var parts = new ArrayList<QuantileSketch>();
    for (int p = 0; p < 8; p++) {
      var s = new QuantileSketch();
      for (int i = 0; i < 1000; i++) {
        s.add(rnd.nextDouble() * 1000);
      }
      parts.add(s);
    }
    var x = new QuantileSketch();
    parts.forEach(x::merge);
    Collections.reverse(parts);
    var y = new QuantileSketch();
    parts.forEach(y::merge);
    assertEquals(x.toJson(), y.toJson());
  }

  @Test
  void termCountsTopKWithTiesAndMinFrequency() {
    var t = new TermCounts();
    var nulls = new BitSet();
    nulls.set(5);
    t.add(new Column.Strings(new String[] {"b", "a", "c", "a", "b", null, "d"}, nulls));
    assertEquals(6, t.count());
    assertEquals(1, t.missing());
    assertEquals(List.of("a", "b", "c", "d"), t.top(null, 1));
    assertEquals(List.of("a", "b"), t.top(2, 1));
    assertEquals(List.of("a", "b"), t.top(10, 2));
    var back = TermCounts.fromJson(t.toJson());
    assertEquals(t.counts(), back.counts());
  }
}
