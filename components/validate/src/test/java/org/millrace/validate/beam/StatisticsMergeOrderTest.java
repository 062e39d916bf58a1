package org.millrace.validate.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.testing.RandomCombines;
import org.millrace.api.statistics.SplitAccumulator;

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
    return RandomCombines.batch(SCHEMA, rows);
  }

  /** The rows in a random order, cut into random batches over random bundles, merged in a random tree. */
  private static String combine(List<Object[]> all, long seed) throws IOException {
    var fn = new StatisticsCombineFn("train");
    return fn.extractOutput(RandomCombines.combine(fn, new StatisticsCombineFn.AccumulatorCoder(), SCHEMA, all,
        new Random(seed), 50, 3_000));
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
