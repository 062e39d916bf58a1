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
 * spanning up to 32 binades, 2^-7 or 0.8%). Memory: at most {@code 2k + 1} buckets of 24 bytes and
 * an index of the buckets by key (an open-addressing table of at most {@code 8k} ints).
 *
 * <p>A value is counted in its bucket at once, found through the index (a new bucket is appended),
 * so buckets are kept in no order while values are added; they are sorted by key when read.
 */
public final class QuantileSketch {
  private static final long ABS = 0x7FFFFFFFFFFFFFFFL;
  private static final long PHI = 0x9E3779B97F4A7C15L;

  private final int k;
  private int shift;
  private long[] keys;
  private long[] counts;
  private double[] mins;
  private int size;
  /** Whether the buckets are in key order (as read), which adding a bucket ends. */
  private boolean sorted = true;
  /** Bucket positions by key: open addressing, linear probing, -1 empty, at most half full. */
  private int[] index;
  private int indexShift;
  private long count;

  public QuantileSketch(int k) {
    if (k < 8) {
      throw new IllegalArgumentException("sketch size expected at least 8, got " + k);
    }
    this.k = k;
    allocate(16);
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
    s.count = count;
    for (int i = 0; i < keys.length; i++) {
      s.addBucket(keys[i], counts[i], mins[i]);
    }
    s.compact();
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
    return shift;
  }

  @JsonProperty("keys")
  long[] keys() {
    sort();
    return Arrays.copyOf(keys, size);
  }

  @JsonProperty("counts")
  long[] counts() {
    sort();
    return Arrays.copyOf(counts, size);
  }

  @JsonProperty("mins")
  double[] mins() {
    sort();
    return Arrays.copyOf(mins, size);
  }

  public void add(double v) {
    count++;
    int buckets = size;
    addBucket(key(v, shift), 1, v);
    if (size > buckets) {
      compact();
    }
  }

  public void merge(QuantileSketch other) {
    if (other.k != k) {
      throw new IllegalArgumentException("sketch merge expected the same size " + k + ", got " + other.k);
    }
    int target = Math.max(shift, other.shift);
    coarsen(target);
    for (int i = 0; i < other.size; i++) {
      addBucket(other.keys[i] >> (target - other.shift), other.counts[i], other.mins[i]);
    }
    count += other.count;
    compact();
  }

  /** The bucket key of {@code v} at a shift: order-preserving, and key(s + 1) == key(s) >> 1. */
  private static long key(double v, int shift) {
    long bits = Double.doubleToRawLongBits(v);
    long t = (bits & ABS) >>> shift;
    return bits < 0 ? ~t : t;
  }

  /** Counts {@code c} values, the smallest {@code m}, in the bucket of {@code key} (at this shift), added if new. */
  private void addBucket(long key, long c, double m) {
    int mask = index.length - 1;
    for (int slot = (int) ((key * PHI) >>> indexShift); ; slot = (slot + 1) & mask) {
      int i = index[slot];
      if (i < 0) {
        index[slot] = size;
        append(key, c, m);
        return;
      }
      if (keys[i] == key) {
        counts[i] += c;
        double min = mins[i];
        if (m < min || min != min) { // as a sort orders them: NaN last (-0.0 and 0.0 never share a bucket)
          mins[i] = m;
        }
        return;
      }
    }
  }

  /** A new bucket at the end (already in the index), growing the arrays and the index as needed. */
  private void append(long key, long c, double m) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
      mins = Arrays.copyOf(mins, size * 2);
    }
    if (size > 0 && sorted && keys[size - 1] > key) {
      sorted = false;
    }
    keys[size] = key;
    counts[size] = c;
    mins[size++] = m;
    if (size * 2 > index.length) {
      reindex(index.length * 2);
    }
  }

  /** Coarsens while there are more than 2k buckets. */
  private void compact() {
    while (size > 2 * k) {
      coarsen(shift + 1);
    }
  }

  /** Shifts the keys right to {@code target} and combines the buckets that become one. */
  private void coarsen(int target) {
    if (target == shift) {
      return;
    }
    int by = target - shift;
    shift = target;
    long[] oldKeys = keys;
    long[] oldCounts = counts;
    double[] oldMins = mins;
    int n = size;
    allocate(keys.length);
    for (int i = 0; i < n; i++) {
      addBucket(oldKeys[i] >> by, oldCounts[i], oldMins[i]);
    }
  }

  /** Empty buckets with room for {@code capacity}, and their index. */
  private void allocate(int capacity) {
    keys = new long[capacity];
    counts = new long[capacity];
    mins = new double[capacity];
    size = 0;
    sorted = true;
    reindex(Math.max(32, Integer.highestOneBit(capacity) * 2));
  }

  /**
   * Rebuilds the index at {@code capacity} slots (a power of two). A key's first slot is the top bits
   * of its Fibonacci hash, which depend on every bit of the key (the low bits of a key are often all
   * zero: small integers leave most of the significand empty).
   */
  private void reindex(int capacity) {
    if (index == null || index.length != capacity) {
      index = new int[capacity];
      indexShift = 64 - Integer.numberOfTrailingZeros(capacity);
    }
    Arrays.fill(index, -1);
    int mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int slot = (int) ((keys[i] * PHI) >>> indexShift);
      while (index[slot] >= 0) {
        slot = (slot + 1) & mask;
      }
      index[slot] = i;
    }
  }

  /** Puts the buckets in key order. */
  private void sort() {
    if (sorted) {
      return;
    }
    long[] order = Arrays.copyOf(keys, size);
    Arrays.sort(order);
    long[] c = new long[keys.length];
    double[] m = new double[keys.length];
    int mask = index.length - 1;
    for (int j = 0; j < size; j++) {
      long key = order[j];
      int slot = (int) ((key * PHI) >>> indexShift);
      while (keys[index[slot]] != key) {
        slot = (slot + 1) & mask;
      }
      c[j] = counts[index[slot]];
      m[j] = mins[index[slot]];
    }
    keys = Arrays.copyOf(order, keys.length);
    counts = c;
    mins = m;
    sorted = true;
    reindex(index.length);
  }

  /**
   * Values at the given ranks (0..1): for each fraction f, the smallest value of the first bucket
   * in value order whose cumulative count reaches {@code f * count} (NaN when empty).
   */
  public double[] quantiles(double... fractions) {
    sort();
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
    sort();
    long[] out = new long[buckets];
    double width = (max - min) / buckets;
    for (int i = 0; i < size; i++) {
      int b = width <= 0 ? 0 : (int) Math.min(buckets - 1, Math.max(0, Math.floor((mins[i] - min) / width)));
      out[b] += counts[i];
    }
    return out;
  }
}
