package org.millrace.ingest.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Decimals#parseDouble} gives the same bits as {@link Double#parseDouble}, and fails where it fails. */
class DecimalsTest {
  private static void same(String s) {
    assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(Decimals.parseDouble(s)),
        s);
  }

  @Test
  void plainDecimalsOfEveryLengthAndScaleGiveTheSameBits() {
    var rnd = new Random(20261205);
    for (int t = 0; t < 300_000; t++) {
      int digits = 1 + rnd.nextInt(20);
      var sb = new StringBuilder();
      if (rnd.nextInt(4) == 0) {
        sb.append(rnd.nextBoolean() ? '-' : '+');
      }
      int point = rnd.nextInt(digits + 2) - 1; // -1: no point
      for (int d = 0; d < digits; d++) {
        if (d == point) {
          sb.append('.');
        }
        sb.append((char) ('0' + rnd.nextInt(10)));
      }
      if (point == digits) {
        sb.append('.');
      }
      same(sb.toString());
    }
  }

  @Test
  void plainIntegersReadAsLongParseLongReadsThem() {
    var rnd = new Random(3);
    for (int t = 0; t < 200_000; t++) {
      long v = rnd.nextLong() >> rnd.nextInt(64);
      String s = (rnd.nextInt(5) == 0 && v >= 0 ? "+" : "") + v;
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      long plain = Decimals.parsePlainLong(b, 0, b.length);
      int digits = s.replaceAll("[+-]", "").length();
      assertEquals(digits <= 18 ? Long.parseLong(s) : Decimals.NOT_PLAIN, plain, s);
    }
    for (String s : List.of("", "-", "+", "1.0", "1e3", " 1", "--1", "12a")) {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertEquals(Decimals.NOT_PLAIN, Decimals.parsePlainLong(b, 0, b.length), s);
    }
  }

  @Test
  void edgesGiveTheSameBitsOrTheSameFailure() {
    for (String s : List.of("0", "-0", "-0.0", "+0.000", ".5", "5.", "9007199254740992", "9007199254740993",
        "0.9007199254740993", "123456789012345678", "1234567890123456789", "0.1", "0.30000000000000004",
        "1e10", "1E-5", "NaN", "-Infinity", "00000000000000000001.5", "0.0000000000000000000001",
        "0.00000000000000000000001", "4.35", "276.86", "-91.32")) {
      same(s);
    }
    for (String s : List.of("", "-", "+", ".", "1.2.3", "1-2", "abc", "--1")) {
      assertThrows(NumberFormatException.class, () -> Decimals.parseDouble(s), s);
    }
  }

  @Test
  void theNonFiniteWordsOfDataFilesAreNumbersJavasOwnLiteralsAreNot() {
    assertEquals(Double.POSITIVE_INFINITY, Decimals.parseDouble("inf"));
    assertEquals(Double.POSITIVE_INFINITY, Decimals.parseDouble("+INF"));
    assertEquals(Double.NEGATIVE_INFINITY, Decimals.parseDouble("-inf"));
    assertEquals(Double.NEGATIVE_INFINITY, Decimals.parseDouble("-infinity"));
    assertEquals(Double.POSITIVE_INFINITY, Decimals.parseDouble("Infinity"));
    assertTrue(Double.isNaN(Decimals.parseDouble("nan")));
    assertTrue(Double.isNaN(Decimals.parseDouble("-NaN")));
    assertEquals(1.5e-3, Decimals.parseDouble("1.5e-3"));
    assertEquals(150.0, Decimals.parseDouble("1.5E+2"));
    // Double.parseDouble takes each of these: 1.5, 2.0, 8.0, 16.0, NaN.
    for (String s : List.of("1.5f", "2d", "0x1p3", "0x10", "1e", "1e+", "e5", ".e5", "infinit", "nanx", "1 e5", "NaNd")) {
      assertThrows(NumberFormatException.class, () -> Decimals.parseDouble(s), s);
    }
  }
}
