package org.millrace.api.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {
  /** Doubles of every kind: tiny, subnormal, huge, negative, zeros of both signs. */
  private static List<Double> values() {
    var rnd = new Random(13);
    var out = new ArrayList<Double>();
    for (int i = 0; i < 5_000; i++) {
      double v = switch (i % 6) {
        case 0 -> rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(2000) - 1000);
        case 1 -> Double.MIN_VALUE * rnd.nextInt(1000);
        case 2 -> (rnd.nextBoolean() ? 1 : -1) * Double.MAX_VALUE * rnd.nextDouble();
        case 3 -> rnd.nextBoolean() ? 0.0 : -0.0;
        default -> rnd.nextGaussian() * 1e3 + 1e6;
      };
      out.add(v);
    }
    return out;
  }

  @Test
  void sumsAndSumsOfSquaresAreExact() {
    List<Double> v = values();
    ExactSum sum = ExactSum.ofValues();
    ExactSum squares = ExactSum.ofSquares();
    BigDecimal s = BigDecimal.ZERO;
    BigDecimal q = BigDecimal.ZERO;
    for (double x : v) {
      sum.add(x);
      squares.add(x);
      BigDecimal b = new BigDecimal(x);
      s = s.add(b);
      q = q.add(b.multiply(b));
    }
    assertEquals(0, s.compareTo(sum.toBigDecimal()));
    assertEquals(0, q.compareTo(squares.toBigDecimal()));
    assertEquals(s.doubleValue(), sum.doubleValue());
  }

  @Test
  void anySplitAndMergeOrderGivesTheSameText() {
    List<Double> v = values();
    ExactSum whole = ExactSum.ofSquares();
    v.forEach(whole::add);
    var rnd = new Random(1);
    for (int round = 0; round < 5; round++) {
      var shuffled = new ArrayList<>(v);
      Collections.shuffle(shuffled, rnd);
      var parts = new ArrayList<ExactSum>();
      for (int i = 0; i < 7; i++) {
        parts.add(ExactSum.ofSquares());
      }
      shuffled.forEach(x -> parts.get(rnd.nextInt(7)).add(x));
      ExactSum merged = ExactSum.fromJson(parts.get(0).toJson());
      parts.subList(1, 7).forEach(p -> merged.merge(ExactSum.fromJson(p.toJson())));
      assertEquals(whole.toJson(), merged.toJson());
    }
    assertTrue(whole.toJson().startsWith("squares "));
  }

  @Test
  void infinitiesAndNansAreCountedApart() {
    ExactSum s = ExactSum.ofValues();
    s.add(1.5);
    s.add(Double.POSITIVE_INFINITY);
    assertEquals(Double.POSITIVE_INFINITY, s.doubleValue());
    s.add(Double.NEGATIVE_INFINITY);
    assertEquals(Double.NaN, s.doubleValue());
    ExactSum back = ExactSum.fromJson(s.toJson());
    assertEquals("1.5 1 1 0", back.toJson());
    assertEquals(null, back.toBigDecimal());
  }
}
