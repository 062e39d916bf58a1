package org.millrace.validate.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.statistics.QuantileSketch;

/**
 * The sketch's state (shift, bucket keys, counts and smallest values) depends only on the values
 * added: whether a value opens its bucket or is counted in it later, and whatever order the
 * buckets were opened and coarsened in. Ascending and descending orders make the smallest value of
 * a coarse bucket its first or its last; a restored sketch and parts merged in any order must agree.
 */
class QuantileSketchOrderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Double> values() {
    var rnd = new Random(3);
    var out = new ArrayList<Double>();
    for (int i = 0; i < 120_000; i++) {
      out.add(switch (i % 4) {
        case 0 -> rnd.nextGaussian() * 1e3; // many distinct: the buckets coarsen
        case 1 -> (double) rnd.nextInt(40); // few distinct: exact buckets, hit again and again
        case 2 -> -rnd.nextDouble();
        default -> i % 1000 == 3 ? (i % 2000 == 3 ? -0.0 : 0.0) : rnd.nextGaussian();
      });
    }
    out.add(Double.POSITIVE_INFINITY);
    out.add(Double.NEGATIVE_INFINITY);
    return out;
  }

  private static String state(Iterable<Double> values) throws Exception {
    var s = new QuantileSketch(256);
    values.forEach(s::add);
    return JSON.writeValueAsString(s);
  }

  @Test
  void theStateIsTheSameWhateverTheOrderOfAddsAndMerges() throws Exception {
    List<Double> values = values();
    var ascending = new ArrayList<>(values);
    ascending.sort(null);
    String expected = state(ascending);

    var descending = new ArrayList<>(ascending);
    Collections.reverse(descending);
    assertEquals(expected, state(descending), "descending order");

    var shuffled = new ArrayList<>(values);
    Collections.shuffle(shuffled, new Random(9));
    assertEquals(expected, state(shuffled), "shuffled order");

    var merged = new QuantileSketch(256);
    int[] cuts = {0, 7, 50_000, 50_001, 97_000, shuffled.size()};
    for (int p = cuts.length - 1; p > 0; p--) {
      var part = new QuantileSketch(256);
      shuffled.subList(cuts[p - 1], cuts[p]).forEach(part::add);
      merged.merge(part);
    }
    assertEquals(expected, JSON.writeValueAsString(merged), "parts merged");
    assertEquals(values.size(), merged.count());
    long counted = 0;
    for (var c : JSON.readTree(expected).get("counts")) {
      counted += c.asLong();
    }
    assertEquals(values.size(), counted, "every value counted in a bucket");

    var restored = JSON.readValue(JSON.writeValueAsString(merged), QuantileSketch.class);
    descending.forEach(restored::add);
    var twice = new QuantileSketch(256);
    ascending.forEach(twice::add);
    ascending.forEach(twice::add);
    assertEquals(JSON.writeValueAsString(twice), JSON.writeValueAsString(restored), "added to a restored sketch");
  }

  /**
   * Few values, exact: the buckets read in key order whatever order they were added in, including
   * values added in order after the bucket arrays grew (at 16, 32, ... buckets) with earlier ones out of order.
   */
  @Test
  void fewValuesAreExactWhateverTheirOrder() throws Exception {
    var rnd = new Random(4);
    for (int n = 1; n <= 70; n++) {
      var values = new ArrayList<Double>();
      for (int i = 0; i < n; i++) {
        values.add((double) i);
      }
      Collections.shuffle(values.subList(0, n / 2), rnd); // a shuffled head, then ascending
      var s = new QuantileSketch(256);
      values.forEach(s::add);
      double[] q = s.quantiles(0, 0.5, 1);
      // The smallest value whose rank (1-based) reaches f * n.
      assertEquals(0.0, q[0], "n=" + n);
      assertEquals(Math.max(0, Math.ceil(0.5 * n) - 1), q[1], "n=" + n);
      assertEquals(n - 1.0, q[2], "n=" + n);
      // The same values again, each but the last twice more: counts, not buckets, give the ranks.
      for (int i = 0; i < n - 1; i++) {
        s.add(i);
        s.add(i);
      }
      double[] again = s.quantiles(0.5, 1);
      assertEquals(median(n), again[0], "n=" + n);
      assertEquals(n - 1.0, again[1], "n=" + n);
      long[] keys = JSON.readTree(JSON.writeValueAsString(s)).get("keys").traverse(JSON).readValueAs(long[].class);
      for (int i = 1; i < keys.length; i++) {
        assertEquals(true, keys[i - 1] < keys[i], "n=" + n + " keys in order at " + i);
      }
    }
  }

  /** The median of 0..n-1 each three times but n-1 once: the smallest value whose cumulative count reaches half. */
  private static double median(int n) {
    double target = 0.5 * (3 * n - 2);
    long seen = 0;
    for (int v = 0; v < n; v++) {
      seen += v < n - 1 ? 3 : 1;
      if (seen >= target) {
        return v;
      }
    }
    return n - 1;
  }
}
