package org.millrace.validate.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Column;
import org.millrace.api.data.FeatureType;
import org.millrace.api.statistics.FeatureAccumulator;

/** Values longer than the cap are counted under bounded keys that keep them apart. */
class LongValuesTest {
  static Column strings(String... values) {
    return new Column.Strings(values, new BitSet());
  }

  @Test
  void longValuesAreCountedUnderBoundedDistinctKeys() {
    String a = "a".repeat(2_000_000);
    String b = "a".repeat(1_999_999) + "b"; // the same first characters, another value
    var acc = new FeatureAccumulator("text", FeatureType.STRING);
    acc.add(strings(a, b, a, "short"));
    var other = new FeatureAccumulator("text", FeatureType.STRING);
    other.add(strings(a));
    acc.merge(other);
    var stats = acc.result().categorical();
    assertEquals(3, stats.unique(), "three distinct values");
    assertEquals(3L, stats.counts().get(FeatureAccumulator.countedKey(a)));
    assertEquals(1L, stats.counts().get(FeatureAccumulator.countedKey(b)));
    assertEquals(1L, stats.counts().get("short"));
    for (String key : stats.counts().keySet()) {
      assertTrue(key.length() <= FeatureAccumulator.MAX_VALUE_CHARS, "key of " + key.length() + " chars");
    }
    assertNotEquals(FeatureAccumulator.countedKey(a), FeatureAccumulator.countedKey(b));
    assertTrue(FeatureAccumulator.countedKey(a).endsWith(" chars #" + FeatureAccumulator.countedKey(a)
        .replaceAll(".*#", "")), FeatureAccumulator.countedKey(a).substring(970));
    assertEquals((2_000_000.0 * 4 + 5) / 5, stats.averageLength(), 1e-9, "lengths of the whole values");
  }

  @Test
  void valuesUpToTheCapAreCountedAsThemselves() {
    String v = "x".repeat(FeatureAccumulator.MAX_VALUE_CHARS);
    assertEquals(v, FeatureAccumulator.countedKey(v));
    assertNotEquals(v + "x", FeatureAccumulator.countedKey(v + "x"));
  }
}
