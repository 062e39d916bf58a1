package org.millrace.ingest.csv;

/**
 * {@link Double#parseDouble} with a fast path for the plain decimals most data holds
 * ({@code -12.375}, {@code 0.5}, {@code 42}): at most 18 digits, no exponent. When the digits as an
 * integer {@code m} fit 53 bits and there are at most 22 of them after the point, the value is
 * {@code m / 10^k} with both operands exact doubles, so IEEE division rounds it exactly as
 * {@code parseDouble} does (Clinger, "How to read floating point numbers accurately", 1990).
 * Anything else is checked against the grammar of a number in a data file ({@link #parseDouble})
 * and then read by {@code parseDouble}.
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

  /** What {@link #parsePlainLong} returns for anything but a plain integer (itself 19 digits long). */
  public static final long NOT_PLAIN = Long.MIN_VALUE;

  private Decimals() {}

  /**
   * The integer in ASCII bytes {@code [from, to)} when they are a plain one ({@code [+-]} and 1 to
   * 18 digits, as {@link Long#parseLong} reads them), else {@link #NOT_PLAIN}.
   */
  public static long parsePlainLong(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    int digits = to - i;
    if (digits < 1 || digits > 18) {
      return NOT_PLAIN;
    }
    long m = 0;
    for (; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return NOT_PLAIN;
      }
      m = m * 10 + d;
    }
    return negative ? -m : m;
  }

  /**
   * The double in ASCII bytes {@code [from, to)} when they are a plain decimal that the fast path
   * of {@link #parseDouble} reads exactly, else NaN (which a plain decimal never is).
   */
  public static double parsePlainDouble(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    long m = 0;
    int digits = 0;
    int fraction = -1;
    for (; i < to; i++) {
      int c = b[i];
      if (c >= '0' && c <= '9') {
        if (++digits > 18) {
          return Double.NaN;
        }
        m = m * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    int k = Math.max(0, fraction);
    if (digits == 0 || m > (1L << 53) || k >= POWERS.length) {
      return Double.NaN;
    }
    double v = k == 0 ? (double) m : m / POWERS[k];
    return negative ? -v : v;
  }

  /**
   * The double a data file's float field {@code s} denotes: a decimal with an optional exponent
   * ({@code -12.375}, {@code .5}, {@code 5.}, {@code 1e-3}), or {@code nan}, {@code inf} or
   * {@code infinity} in any case with an optional sign, as Arrow's and pandas' CSV readers take
   * them. Throws {@link NumberFormatException} for anything else, Java's own literals among them
   * ({@code 1.5f}, {@code 2d}, {@code 0x1p3}: {@link Double#parseDouble} reads {@code 2d} as 2, and
   * a column of "3d" for three days would have passed as numbers).
   */
  public static double parseDouble(String s) {
    // A char outside Latin-1 becomes '?', and one in it outside ASCII a byte over 0x7f: neither is plain.
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    double v = parsePlainDouble(b, 0, b.length);
    if (!Double.isNaN(v)) {
      return v;
    }
    int i = 0;
    boolean negative = false;
    if (i < b.length && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    String word = s.substring(i);
    if (word.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    if (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!isDecimal(b, i)) {
      throw new NumberFormatException("expected a decimal number, got '" + s + "'");
    }
    return Double.parseDouble(s);
  }

  /** Whether {@code b} from {@code i} is digits with at most one point (one digit at least), then an optional exponent. */
  private static boolean isDecimal(byte[] b, int i) {
    int digits = 0;
    boolean point = false;
    for (; i < b.length; i++) {
      int c = b[i];
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i == b.length) {
      return true;
    }
    if (b[i] != 'e' && b[i] != 'E') {
      return false;
    }
    i++;
    if (i < b.length && (b[i] == '-' || b[i] == '+')) {
      i++;
    }
    int exponent = 0;
    for (; i < b.length && b[i] >= '0' && b[i] <= '9'; i++) {
      exponent++;
    }
    return exponent > 0 && i == b.length;
  }
}
