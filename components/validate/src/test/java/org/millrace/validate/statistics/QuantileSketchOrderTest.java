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
 * added: a value counted at once in an existing bucket, through the index, and a value buffered
 * and sorted into the buckets later give the same state. Ascending and descending orders send the
 * smallest value of a coarse bucket through each path; parts merged in any order must agree too.
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

    var restored = JSON.readValue(JSON.writeValueAsString(merged), QuantileSketch.class);
    descending.forEach(restored::add);
    var twice = new QuantileSketch(256);
    ascending.forEach(twice::add);
    ascending.forEach(twice::add);
    assertEquals(JSON.writeValueAsString(twice), JSON.writeValueAsString(restored), "added to a restored sketch");
  }
}
