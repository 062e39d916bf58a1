package org.millrace.validate.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.validate.statistics.SplitAccumulator;

/**
 * The statistics JSON is the same bytes however the rows are cut into batches, spread over
 * accumulators (bundles), passed through the accumulator coder (workers) and merged, in whatever
 * order: rows in a different order, several seeded random partitionings and merge trees, through
 * {@link StatisticsCombineFn} itself. The data make floating-point sums order-sensitive (large and
 * tiny magnitudes), have more distinct numbers than the quantile sketch holds exactly and more
 * distinct strings than the exact value counts keep.
 */
class StatisticsMergeOrderTest {
  private static final DataSchema SCHEMA = DataSchema.of(Feature.of("x", FeatureType.FLOAT, true),
      Feature.of("n", FeatureType.INT, true), Feature.of("s", FeatureType.STRING, true),
      Feature.of("b", FeatureType.BOOL, true));
  private static final int ROWS = 20_000;

  private static List<Object[]> rows() {
    var rnd = new Random(11);
    var rows = new ArrayList<Object[]>();
    for (int i = 0; i < ROWS; i++) {
      double x = switch (i % 5) {
        case 0 -> rnd.nextGaussian() * 1e-9;
        case 1 -> rnd.nextGaussian() * 1e12;
        default -> rnd.nextGaussian() * 1e3 + 1e6;
      };
      rows.add(new Object[] {i % 97 == 0 ? null : x, rnd.nextLong() >> rnd.nextInt(60),
          i % 89 == 0 ? null : "id-" + rnd.nextInt(40_000), rnd.nextBoolean()});
    }
    return rows;
  }

  private static Batch batch(List<Object[]> rows) {
    var b = new BatchBuilder(SCHEMA, rows.size());
    rows.forEach(b::addRow);
    return b.build();
  }

  private static SplitAccumulator viaCoder(SplitAccumulator acc) throws IOException {
    var coder = new StatisticsCombineFn.AccumulatorCoder();
    var out = new ByteArrayOutputStream();
    coder.encode(acc, out);
    return coder.decode(new ByteArrayInputStream(out.toByteArray()));
  }

  /** The rows in a random order, cut into random batches over random bundles, merged in a random tree. */
  private static String combine(List<Object[]> all, long seed) throws IOException {
    var rnd = new Random(seed);
    var rows = new ArrayList<>(all);
    Collections.shuffle(rows, rnd);
    var fn = new StatisticsCombineFn("train");
    var accs = new ArrayList<SplitAccumulator>();
    int bundles = 1 + rnd.nextInt(7);
    for (int i = 0; i < bundles; i++) {
      accs.add(fn.createAccumulator());
    }
    for (int at = 0; at < rows.size(); ) {
      int n = Math.min(rows.size() - at, 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 3_000));
      int a = rnd.nextInt(bundles);
      accs.set(a, fn.addInput(accs.get(a), batch(rows.subList(at, at + n))));
      at += n;
    }
    for (int i = 0; i < accs.size(); i++) {
      accs.set(i, viaCoder(accs.get(i)));
    }
    while (accs.size() > 1) {
      Collections.shuffle(accs, rnd);
      int g = 2 + rnd.nextInt(Math.min(3, accs.size() - 1));
      var group = new ArrayList<>(accs.subList(0, g));
      accs.subList(0, g).clear();
      accs.add(viaCoder(fn.mergeAccumulators(group)));
    }
    return fn.extractOutput(accs.get(0));
  }

  @Test
  void sameBytesWhateverThePartitioningAndMergeOrder() throws IOException {
    List<Object[]> rows = rows();
    var fn = new StatisticsCombineFn("train");
    SplitAccumulator one = fn.createAccumulator();
    for (int at = 0; at < ROWS; at += 1_000) {
      one = fn.addInput(one, batch(rows.subList(at, at + 1_000)));
    }
    String expected = fn.extractOutput(one);
    for (long seed = 1; seed <= 3; seed++) {
      assertEquals(expected, combine(rows, seed), "partitioning and merge order of seed " + seed);
    }
  }
}
