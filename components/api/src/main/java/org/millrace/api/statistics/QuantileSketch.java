package org.millrace.api.statistics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * A mergeable quantile sketch whose state is a function of the multiset of values added, so that
 * every split of the values into partial sketches, merged in any order, gives the same bits.
 *
 * <p>Values are counted in buckets: a bucket holds the values that agree in sign, exponent and the
 * top {@code 52 - shift} bits of the significand (its key is the value's bits shifted right by
 * {@code shift}, order-preserving), with their count and their smallest value. The sketch keeps
 * the smallest {@code shift} for which the values fall into at most {@code 2k} buckets: it starts
 * exact (shift 0, one bucket per distinct value) and coarsens one bit at a time when there are too
 * many buckets. Because a coarser bucket is the union of two finer ones, the shift and the buckets
 * reached depend only on the values, not on the order of adds and merges.
 *
 * <p>Exact (every quantile is the value at its rank) while there are at most {@code 2k} distinct
 * values. Beyond that a quantile is the smallest value of the bucket holding the value at its rank,
 * so its relative error is below {@code 2^(shift - 52)} (for 2k = 4096 buckets over values
 * spanning up to 32 binades, 2^-7 or 0.8%). Memory: at most {@code 2k} buckets of 24 bytes, an index
 * of the buckets by key (an open-addressing table of at most {@code 4k} ints), and a buffer of
 * {@value #BUFFER} values.
 *
 * <p>A value whose bucket exists is counted in it at once, found through the index; only values
 * of new buckets are buffered, then sorted and merged in. Counting a value in its bucket at once or
 * later gives the same count and the same smallest value, so the state is the same either way.
 */
public final class QuantileSketch {
  /** Values of new buckets buffered between flushes: each flush sorts them and merges them into up to 2k buckets. */
  static final int BUFFER = 8192;
  private static final long ABS = 0x7FFFFFFFFFFFFFFFL;

  private final int k;
  private int shift;
  private long[] keys = new long[0];
  private long[] counts = new long[0];
  private double[] mins = new double[0];
  private int size;
  /** Bucket positions by key (open addressing, linear probing, -1 empty), or null while there are no buckets. */
  private int[] index;
  private double[] buffer;
  private int buffered;
  private long count;

  public QuantileSketch(int k) {
    if (k < 8) {
      throw new IllegalArgumentException("sketch size expected at least 8, got " + k);
    }
    this.k = k;
  }

  @JsonCreator
  static QuantileSketch restore(@JsonProperty("k") int k, @JsonProperty("shift") int shift,
      @JsonProperty("keys") long[] keys, @JsonProperty("counts") long[] counts, @JsonProperty("mins") double[] mins,
      @JsonProperty("count") long count) {
    var s = new QuantileSketch(k);
    if (keys.length != counts.length || keys.length != mins.length) {
      throw new IllegalArgumentException("sketch expected as many keys, counts and minimums, got " + keys.length
          + ", " + counts.length + ", " + mins.length);
    }
    s.shift = shift;
    s.keys = keys;
    s.counts = counts;
    s.mins = mins;
    s.size = keys.length;
    s.count = count;
    s.reindex();
    return s;
  }

  @JsonProperty("k")
  public int k() {
    return k;
  }

  @JsonProperty("count")
  public long count() {
    return count;
  }

  @JsonProperty("shift")
  int shift() {
    flush();
    return shift;
  }

  @JsonProperty("keys")
  long[] keys() {
    flush();
    return Arrays.copyOf(keys, size);
  }

  @JsonProperty("counts")
  long[] counts() {
    flush();
    return Arrays.copyOf(counts, size);
  }

  @JsonProperty("mins")
  double[] mins() {
    flush();
    return Arrays.copyOf(mins, size);
  }

  public void add(double v) {
    count++;
    if (index != null) {
      long key = key(v, shift);
      int mask = index.length - 1;
      for (int slot = slot(key, index.length); ; slot = (slot + 1) & mask) {
        int i = index[slot];
        if (i < 0) {
          break;
        }
        if (keys[i] == key) {
          counts[i]++;
          double min = mins[i];
          if (v < min || min != min) { // as a sort orders them: NaN last (-0.0 and 0.0 never share a bucket)
            mins[i] = v;
          }
          return;
        }
      }
    }
    if (buffer == null) {
      buffer = new double[BUFFER];
    }
    buffer[buffered++] = v;
    if (buffered == BUFFER) {
      flush();
    }
  }

  public void merge(QuantileSketch other) {
    if (other.k != k) {
      throw new IllegalArgumentException("sketch merge expected the same size " + k + ", got " + other.k);
    }
    flush();
    other.flush();
    int target = Math.max(shift, other.shift);
    coarsen(target);
    long[] ok = Arrays.copyOf(other.keys, other.size);
    long[] oc = Arrays.copyOf(other.counts, other.size);
    double[] om = Arrays.copyOf(other.mins, other.size);
    int on = combine(ok, oc, om, other.size, target - other.shift);
    mergeSorted(ok, oc, om, on);
    count += other.count;
    compact();
    reindex();
  }

  /** The bucket key of {@code v} at a shift: order-preserving, and key(s + 1) == key(s) >> 1. */
  private static long key(double v, int shift) {
    long bits = Double.doubleToRawLongBits(v);
    long t = (bits & ABS) >>> shift;
    return bits < 0 ? ~t : t;
  }

  /** Moves the buffered values into the buckets. */
  private void flush() {
    if (buffered == 0) {
      return;
    }
    double[] v = Arrays.copyOf(buffer, buffered);
    buffered = 0;
    Arrays.sort(v); // keys are non-decreasing in this order, and a run's first value is its smallest
    long[] nk = new long[v.length];
    long[] nc = new long[v.length];
    double[] nm = new double[v.length];
    int n = 0;
    for (double x : v) {
      long key = key(x, shift);
      if (n > 0 && nk[n - 1] == key) {
        nc[n - 1]++;
      } else {
        nk[n] = key;
        nc[n] = 1;
        nm[n] = x;
        n++;
      }
    }
    mergeSorted(nk, nc, nm, n);
    compact();
    reindex();
  }

  /**
   * A key's first slot in a table of {@code capacity} (a power of two): the top bits of a
   * Fibonacci hash, which depend on every bit of the key (the low bits of a key are often all zero:
   * small integers leave most of the significand empty).
   */
  private static int slot(long key, int capacity) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(capacity)));
  }

  /** Rebuilds the index of the buckets by key, at most half full. */
  private void reindex() {
    if (size == 0) {
      index = null;
      return;
    }
    int capacity = Integer.highestOneBit(size) << 2;
    if (index == null || index.length != capacity) {
      index = new int[capacity];
    }
    Arrays.fill(index, -1);
    int mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int slot = slot(keys[i], capacity);
      while (index[slot] >= 0) {
        slot = (slot + 1) & mask;
      }
      index[slot] = i;
    }
  }

  /** Merges sorted buckets at this shift into this sketch's. */
  private void mergeSorted(long[] bk, long[] bc, double[] bm, int bn) {
    long[] rk = new long[size + bn];
    long[] rc = new long[size + bn];
    double[] rm = new double[size + bn];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < size || j < bn) {
      if (j == bn || (i < size && keys[i] < bk[j])) {
        rk[n] = keys[i];
        rc[n] = counts[i];
        rm[n++] = mins[i++];
      } else if (i == size || bk[j] < keys[i]) {
        rk[n] = bk[j];
        rc[n] = bc[j];
        rm[n++] = bm[j++];
      } else {
        rk[n] = keys[i];
        rc[n] = counts[i] + bc[j];
        rm[n++] = Math.min(mins[i++], bm[j++]);
      }
    }
    keys = rk;
    counts = rc;
    mins = rm;
    size = n;
  }

  /** Coarsens while there are more than 2k buckets. */
  private void compact() {
    while (size > 2 * k) {
      shift++;
      size = combine(keys, counts, mins, size, 1);
    }
  }

  private void coarsen(int target) {
    size = combine(keys, counts, mins, size, target - shift);
    shift = target;
  }

  /** Shifts sorted keys right by {@code by} bits and combines the buckets that become one; the new size. */
  private static int combine(long[] k, long[] c, double[] m, int n, int by) {
    if (by == 0 || n == 0) {
      return n;
    }
    int out = 0;
    for (int i = 0; i < n; i++) {
      long key = k[i] >> by;
      if (out > 0 && k[out - 1] == key) {
        c[out - 1] += c[i];
        m[out - 1] = Math.min(m[out - 1], m[i]);
      } else {
        k[out] = key;
        c[out] = c[i];
        m[out++] = m[i];
      }
    }
    return out;
  }

  /**
   * Values at the given ranks (0..1): for each fraction f, the smallest value of the first bucket
   * in value order whose cumulative count reaches {@code f * count} (NaN when empty).
   */
  public double[] quantiles(double... fractions) {
    flush();
    double[] out = new double[fractions.length];
    if (size == 0) {
      Arrays.fill(out, Double.NaN);
      return out;
    }
    for (int q = 0; q < fractions.length; q++) {
      double target = fractions[q] * count;
      long seen = 0;
      out[q] = mins[size - 1];
      for (int i = 0; i < size; i++) {
        seen += counts[i];
        if (seen >= target) {
          out[q] = mins[i];
          break;
        }
      }
    }
    return out;
  }

  /** Estimated counts of values in equal-width buckets over [min, max] (each sketch bucket at its smallest value). */
  public long[] histogram(double min, double max, int buckets) {
    flush();
    long[] out = new long[buckets];
    double width = (max - min) / buckets;
    for (int i = 0; i < size; i++) {
      int b = width <= 0 ? 0 : (int) Math.min(buckets - 1, Math.max(0, Math.floor((mins[i] - min) / width)));
      out[b] += counts[i];
    }
    return out;
  }
}
