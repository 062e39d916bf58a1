package org.millrace.ingest.csv;

/**
 * {@link Double#parseDouble} with a fast path for the plain decimals most data holds
 * ({@code -12.375}, {@code 0.5}, {@code 42}): at most 18 digits, no exponent. When the digits as an
 * integer {@code m} fit 53 bits and there are at most 22 of them after the point, the value is
 * {@code m / 10^k} with both operands exact doubles, so IEEE division rounds it exactly as
 * {@code parseDouble} does (Clinger, "How to read floating point numbers accurately", 1990).
 * Anything else goes to {@code parseDouble}, which also throws for what is not a number.
 */
public final class Decimals {
  private static final double[] POWERS = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POWERS.length; i++) {
      POWERS[i] = p;
      p *= 10;
    }
  }

  private Decimals() {}

  /** The double {@code s} denotes, as {@link Double#parseDouble} gives it. */
  public static double parseDouble(String s) {
    int n = s.length();
    int i = 0;
    boolean negative = false;
    if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    long m = 0;
    int digits = 0;
    int fraction = -1; // digits after the point, -1 before it
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 18) {
          return Double.parseDouble(s);
        }
        m = m * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.parseDouble(s); // an exponent, a suffix, NaN, Infinity, hex, or not a number
      }
    }
    int k = Math.max(0, fraction);
    if (digits == 0 || m > (1L << 53) || k >= POWERS.length) {
      return Double.parseDouble(s);
    }
    double v = k == 0 ? (double) m : m / POWERS[k];
    return negative ? -v : v;
  }
}
