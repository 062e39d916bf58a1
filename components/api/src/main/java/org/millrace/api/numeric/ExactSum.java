package org.millrace.api.numeric;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The exact sum of doubles, or of their squares, kept in fixed-point 32-bit limbs wide enough for
 * every finite double (a superaccumulator): adding and merging are exact integer additions, so the
 * sum, and every value derived from it, is the same bit for bit whatever the order in which the
 * values were added and the partial sums merged. It is rounded only when read ({@link
 * #toBigDecimal}, {@link #doubleValue}). Infinities and NaNs are counted apart and make the value
 * what IEEE arithmetic would (NaN, or an infinity of one sign).
 *
 * <p>A square {@code v * v} is added exactly (the 106-bit product of the significands), so a
 * variance computed as {@code (n * sumSq - sum^2) / n^2} from two of these sums neither cancels
 * catastrophically nor depends on the merge order. Cost: a few integer operations per value;
 * memory: 70 limbs for sums, 136 for sums of squares.
 */
public final class ExactSum {
  /** Bits per limb; limbs keep 31 bits of headroom for carries between normalizations. */
  private static final int BITS = 32;
  private static final long MASK = 0xFFFFFFFFL;
  /** Adds between carry propagations; each add puts less than 2^33 into a limb. */
  private static final int NORMALIZE_EVERY = 1 << 28;

  private final boolean squares;
  /** Weight of bit 0 of limb 0 is 2^-bias. */
  private final int bias;
  private final long[] limbs;
  private int pending;
  private long positiveInfinities;
  private long negativeInfinities;
  private long nans;

  private ExactSum(boolean squares) {
    this.squares = squares;
    // Smallest bit: 2^-1074 for a double, 2^-2148 for a square; largest below 2^1024 resp. 2^2048,
    // plus 64 bits of carries.
    this.bias = squares ? 2176 : 1088;
    this.limbs = new long[(bias + (squares ? 2048 : 1024) + 64) / BITS + 2];
  }

  /** An empty sum of values. */
  public static ExactSum ofValues() {
    return new ExactSum(false);
  }

  /** An empty sum of squares of values. */
  public static ExactSum ofSquares() {
    return new ExactSum(true);
  }

  /** Whether this sums squares ({@link #add} adds {@code v * v}). */
  public boolean squares() {
    return squares;
  }

  /** Adds {@code v} (or {@code v * v} for a sum of squares), exactly. */
  public void add(double v) {
    if (!Double.isFinite(v)) {
      if (Double.isNaN(v)) {
        nans++;
      } else if (v > 0 || squares) {
        positiveInfinities++;
      } else {
        negativeInfinities++;
      }
      return;
    }
    long bits = Double.doubleToRawLongBits(v);
    int exp = (int) ((bits >>> 52) & 0x7FF);
    long mant = bits & 0xFFFFFFFFFFFFFL;
    if (exp == 0) {
      exp = 1;
    } else {
      mant |= 1L << 52;
    }
    if (mant == 0) {
      return;
    }
    int e = exp - 1075;
    if (squares) {
      addMagnitude(Math.multiplyHigh(mant, mant), mant * mant, 2 * e, false);
    } else {
      addMagnitude(0, mant, e, bits < 0);
    }
  }

  /** Adds the 128-bit magnitude {@code hi:lo} times 2^exp, negated when {@code negative}. */
  private void addMagnitude(long hi, long lo, int exp, boolean negative) {
    int pos = exp + bias;
    int i = pos / BITS;
    int r = pos % BITS;
    addChunk(i, lo & MASK, r, negative);
    addChunk(i + 1, lo >>> 32, r, negative);
    if (hi != 0) {
      addChunk(i + 2, hi & MASK, r, negative);
      addChunk(i + 3, hi >>> 32, r, negative);
    }
    if (++pending >= NORMALIZE_EVERY) {
      normalize();
    }
  }

  /** Adds a 32-bit chunk shifted left by {@code r} (below 32) bits at limb {@code i}. */
  private void addChunk(int i, long chunk, int r, boolean negative) {
    long shifted = chunk << r; // at most 63 bits
    if (negative) {
      limbs[i] -= shifted & MASK;
      limbs[i + 1] -= shifted >>> 32;
    } else {
      limbs[i] += shifted & MASK;
      limbs[i + 1] += shifted >>> 32;
    }
  }

  /** Adds another sum of the same kind, exactly. */
  public void merge(ExactSum o) {
    if (o.squares != squares) {
      throw new IllegalArgumentException("BUG: merging a sum of " + (o.squares ? "squares" : "values")
          + " into a sum of " + (squares ? "squares" : "values"));
    }
    normalize();
    for (int i = 0; i < limbs.length; i++) {
      limbs[i] += o.limbs[i];
    }
    pending = 2; // each side is normalized or within its own headroom, never both at its limit
    normalize();
    positiveInfinities += o.positiveInfinities;
    negativeInfinities += o.negativeInfinities;
    nans += o.nans;
  }

  /** Propagates carries: every limb but the top one in [0, 2^32), the top one signed. */
  private void normalize() {
    long carry = 0;
    for (int i = 0; i < limbs.length - 1; i++) {
      long x = limbs[i] + carry;
      carry = x >> BITS;
      limbs[i] = x & MASK;
    }
    limbs[limbs.length - 1] += carry;
    pending = 0;
  }

  /** Whether the sum met no infinity and no NaN. */
  public boolean isFinite() {
    return positiveInfinities == 0 && negativeInfinities == 0 && nans == 0;
  }

  /** The exact finite part, or null when the sum met an infinity or a NaN. */
  public BigDecimal toBigDecimal() {
    if (!isFinite()) {
      return null;
    }
    return finitePart();
  }

  /** The sum rounded once to a double (NaN or an infinity as IEEE addition gives). */
  public double doubleValue() {
    if (nans > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
      return Double.NaN;
    }
    if (positiveInfinities > 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (negativeInfinities > 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return toBigDecimal().doubleValue();
  }

  /** Sets this (empty) sum to the exact dyadic value {@code v}, as {@link #toBigDecimal} wrote it. */
  public ExactSum set(BigDecimal v) {
    Arrays.fill(limbs, 0);
    BigInteger scaled = v.multiply(new BigDecimal(BigInteger.TWO.pow(bias))).toBigIntegerExact();
    for (int i = 0; i < limbs.length - 1; i++) {
      limbs[i] = scaled.longValue() & MASK;
      scaled = scaled.shiftRight(BITS);
    }
    limbs[limbs.length - 1] = scaled.longValueExact();
    pending = 0;
    return this;
  }

  /**
   * The state as text: the exact finite part as {@link #toBigDecimal} writes it, then the counts
   * of positive infinities, negative infinities and NaNs when any is non-zero.
   */
  @Override
  public String toString() {
    String finite = finitePart().toString();
    return isFinite() ? finite : finite + " " + positiveInfinities + " " + negativeInfinities + " " + nans;
  }

  private BigDecimal finitePart() {
    normalize();
    BigInteger n = BigInteger.ZERO;
    for (int i = limbs.length - 1; i >= 0; i--) {
      n = n.shiftLeft(BITS).add(BigInteger.valueOf(limbs[i]));
    }
    if (n.signum() == 0) {
      return BigDecimal.ZERO;
    }
    int zeros = n.getLowestSetBit();
    n = n.shiftRight(zeros);
    int exp = zeros - bias;
    if (exp >= 0) {
      return new BigDecimal(n.shiftLeft(exp));
    }
    // n * 2^exp = n * 5^-exp / 10^-exp, exactly.
    return new BigDecimal(n.multiply(BigInteger.valueOf(5).pow(-exp)), -exp);
  }

  /** The state as JSON text: {@link #toString}, after {@code "squares "} for a sum of squares. */
  @JsonValue
  public String toJson() {
    return squares ? "squares " + this : toString();
  }

  /** Parses {@link #toJson}'s text. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ExactSum fromJson(String text) {
    return text.startsWith("squares ") ? parse(text.substring(8), true) : parse(text, false);
  }

  /** Parses {@link #toString}'s text into a sum of values, or of squares. */
  public static ExactSum parse(String text, boolean squares) {
    String[] t = text.trim().split(" ");
    var s = new ExactSum(squares).set(new BigDecimal(t[0]));
    if (t.length == 4) {
      s.positiveInfinities = Long.parseLong(t[1]);
      s.negativeInfinities = Long.parseLong(t[2]);
      s.nans = Long.parseLong(t[3]);
    } else if (t.length != 1) {
      throw new IllegalArgumentException("exact sum expected a decimal, optionally with three counts, got '" + text + "'");
    }
    return s;
  }
}
