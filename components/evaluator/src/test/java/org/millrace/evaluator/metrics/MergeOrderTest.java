package org.millrace.evaluator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.format.SliceMetrics;

/**
 * The metrics of a slice are the same bits whatever the order in which rows arrive, how they are
 * spread over accumulators (bundles), encoded between workers and merged: several seeded random
 * partitionings and merge trees against one accumulator fed in order. The rows mix large and tiny
 * magnitudes (and, for regression, fractional weights), which make floating-point sums depend on
 * their order.
 */
class MergeOrderTest {
  private static final int ROWS = 6_000;

  /** One row: {label, score or prediction, weight}. */
  private static List<double[]> rows(boolean regression) {
    var rnd = new Random(5);
    var rows = new ArrayList<double[]>();
    for (int i = 0; i < ROWS; i++) {
      double w = i % 3 == 0 ? 1 : 0.1 + rnd.nextDouble();
      if (regression) {
        double label = i % 7 == 0 ? rnd.nextGaussian() * 1e9 : rnd.nextGaussian() * 1e-3;
        rows.add(new double[] {label, label + rnd.nextGaussian() * (i % 2 == 0 ? 1e6 : 1e-6), w});
      } else {
        // Whole-number weights: the histogram and confusion cells are exact only for those.
        rows.add(new double[] {rnd.nextInt(2), rnd.nextDouble() * (i % 5 == 0 ? 1e-12 : 1), i % 3 == 0 ? 2 : 1});
      }
    }
    return rows;
  }

  private static void add(SliceAccumulator a, double[] r, boolean regression) {
    if (regression) {
      a.addRegression(r[1], r[0], r[2]);
    } else {
      a.addClassification(new double[] {1 - r[1], r[1]}, 0, (int) r[0], r[2]);
    }
  }

  private static SliceAccumulator viaCoder(SliceAccumulator a) throws IOException {
    var out = new ByteArrayOutputStream();
    a.write(new DataOutputStream(out));
    return SliceAccumulator.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
  }

  private static SliceMetrics randomly(List<double[]> all, boolean regression, long seed) throws IOException {
    var rnd = new Random(seed);
    var rows = new ArrayList<>(all);
    Collections.shuffle(rows, rnd);
    int classes = regression ? 0 : 2;
    var accs = new ArrayList<SliceAccumulator>();
    int bundles = 1 + rnd.nextInt(7);
    for (int i = 0; i < bundles; i++) {
      accs.add(new SliceAccumulator(classes, 100));
    }
    for (double[] r : rows) {
      add(accs.get(rnd.nextInt(bundles)), r, regression);
    }
    for (int i = 0; i < accs.size(); i++) {
      accs.set(i, viaCoder(accs.get(i)));
    }
    while (accs.size() > 1) {
      Collections.shuffle(accs, rnd);
      SliceAccumulator into = accs.remove(0);
      into.merge(accs.remove(0));
      accs.add(viaCoder(into));
    }
    return MetricsCalculator.compute(accs.get(0));
  }

  private static List<List<Double>> points(List<double[]> curve) {
    return curve.stream().map(p -> java.util.Arrays.stream(p).boxed().toList()).toList();
  }

  @Test
  void sameMetricsWhateverThePartitioningAndMergeOrder() throws IOException {
    for (boolean regression : new boolean[] {true, false}) {
      List<double[]> rows = rows(regression);
      var one = new SliceAccumulator(regression ? 0 : 2, 100);
      rows.forEach(r -> add(one, r, regression));
      SliceMetrics expected = MetricsCalculator.compute(one);
      for (long seed = 1; seed <= 3; seed++) {
        SliceMetrics got = randomly(rows, regression, seed);
        String what = (regression ? "regression" : "classification") + ", partitioning and merge order of seed " + seed;
        assertEquals(expected.metrics(), got.metrics(), what);
        assertEquals(points(expected.roc()), points(got.roc()), what + ": ROC");
        assertEquals(points(expected.pr()), points(got.pr()), what + ": PR");
      }
    }
  }
}
