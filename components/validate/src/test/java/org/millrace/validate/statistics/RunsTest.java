package org.millrace.validate.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.statistics.FeatureAccumulator;
import org.millrace.api.statistics.SplitAccumulator;
import org.millrace.api.testing.RandomCombines;

/**
 * A run of one value (one {@code String} in consecutive rows, as readers share a repeated value)
 * is counted at once, with the same statistics as counting each row: here against the same values
 * as distinct strings in a shuffled order, with more distinct strings than the counts keep (so runs
 * of values kept, evicted and left out), and booleans.
 */
class RunsTest {
  private static final DataSchema SCHEMA = DataSchema.of(Feature.of("s", FeatureType.STRING, true),
      Feature.of("b", FeatureType.BOOL, true));

  @Test
  void runsOfOneStringCountAsTheirRows() {
    var rnd = new Random(5);
    var runs = new ArrayList<Object[]>();
    while (runs.size() < 150_000) {
      // Runs of 1 to 12 rows; a null now and then inside a run (it does not end the run's value).
      String value = "v-" + rnd.nextInt(rnd.nextInt(4) == 0 ? 30 : 60_000);
      int length = 1 + rnd.nextInt(12);
      Boolean b = rnd.nextInt(10) == 0 ? null : rnd.nextBoolean();
      for (int k = 0; k < length; k++) {
        runs.add(new Object[] {k == 2 && length > 4 ? null : value, b});
      }
    }
    var rows = new ArrayList<Object[]>();
    for (Object[] r : runs) {
      rows.add(new Object[] {r[0] == null ? null : new String((String) r[0]), r[1]});
    }
    Collections.shuffle(rows, new Random(6));
    String expected = statistics(rows);
    assertEquals(expected, statistics(runs));
    var acc = new SplitAccumulator();
    acc.add(RandomCombines.batch(SCHEMA, runs));
    FeatureStatistics s = acc.result("train").features().get(0);
    assertTrue(!s.categorical().exact() && s.categorical().unique() > FeatureAccumulator.MAX_DISTINCT,
        "more distinct values than the counts keep: " + s.categorical().unique());
    long trues = runs.stream().filter(r -> Boolean.TRUE.equals(r[1])).count();
    long falses = runs.stream().filter(r -> Boolean.FALSE.equals(r[1])).count();
    assertEquals(java.util.Map.of("false", falses, "true", trues),
        acc.result("train").features().get(1).categorical().counts());
  }

  /** Statistics of the rows added in batches of 4,096 rows. */
  private static String statistics(List<Object[]> rows) {
    var acc = new SplitAccumulator();
    for (int at = 0; at < rows.size(); at += 4_096) {
      acc.add(RandomCombines.batch(SCHEMA, rows.subList(at, Math.min(rows.size(), at + 4_096))));
    }
    return acc.result("train").toJson();
  }
}
