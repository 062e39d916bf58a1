package org.millrace.api.statistics;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Map;
import java.util.HashMap;
import java.util.TreeMap;
import org.millrace.api.data.Column;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.numeric.ExactSum;

/**
 * Mergeable statistics of one feature: counts, exact sums of the values and of their squares
 * ({@link ExactSum}, rounded once for the mean and the standard deviation), zeros, a quantile
 * sketch for numbers, and value counts for strings and bools (exact up to {@link #MAX_DISTINCT}
 * distinct values; beyond that the values kept are the {@code MAX_DISTINCT} with the smallest
 * hash, with their exact counts, the others are counted as {@code other}, and a
 * {@link DistinctSketch} of every value estimates the number of distinct values). Every part —
 * sums, sketch, the values kept — is a function of the multiset of values, so the result is the
 * same bit for bit however the rows were split into partial accumulators and merged.
 * A value longer than {@link #MAX_VALUE_CHARS} characters is counted under a bounded key — its first
 * characters and a hash of the whole value ({@link #countedKey}) — so the counts hold at most
 * {@code MAX_DISTINCT} keys of bounded length whatever the data.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class FeatureAccumulator {
  public static final int MAX_DISTINCT = 10_000;
  /** The longest value counted as itself; longer ones are counted under {@link #countedKey}. */
  public static final int MAX_VALUE_CHARS = 1024;
  static final int SKETCH_K = 2048;

  String name;
  FeatureType type;
  long count;
  long missing;
  long nan;
  long zeros;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;
  ExactSum sum;
  ExactSum sumSq;
  QuantileSketch sketch;
  /** Counts by value (a hash map: every use of it sorts or is order-free), counted in place. */
  HashMap<String, Count> values;
  long otherValues;
  DistinctSketch distinct;
  long totalLength;
  /**
   * The kept values by (hash, value), largest first (the value a smaller hash evicts), while the
   * counts are full or about to be; rebuilt when needed.
   */
  @JsonIgnore
  transient PriorityQueue<Hashed> byHash;

  /** A value's count, added to in place (no boxed {@code Long} per row); written as a JSON number. */
  static final class Count {
    long n;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    Count(long n) {
      this.n = n;
    }

    @JsonValue
    long n() {
      return n;
    }
  }

  /** A kept value and its hash, ordered by hash then value. */
  record Hashed(long hash, String value) implements Comparable<Hashed> {
    Hashed(String value) {
      this(DistinctSketch.hash(value), value);
    }

    @Override
    public int compareTo(Hashed o) {
      int c = Long.compare(hash, o.hash);
      return c != 0 ? c : value.compareTo(o.value);
    }
  }

  FeatureAccumulator() {}

  public FeatureAccumulator(String name, FeatureType type) {
    this.name = name;
    this.type = type;
    if (numeric()) {
      sketch = new QuantileSketch(SKETCH_K);
      sum = ExactSum.ofValues();
      sumSq = ExactSum.ofSquares();
    } else {
      values = new HashMap<>();
    }
  }

  boolean numeric() {
    return type == FeatureType.INT || type == FeatureType.FLOAT;
  }

  /**
   * Adds a column's values: one loop per column type, each a small method of its own, so that the
   * JIT compiles each once for its one type instead of one large method for all four.
   */
  public void add(Column c) {
    int n = c.size();
    java.util.BitSet nulls = c.nulls();
    long before = count;
    if (c instanceof Column.Longs l) {
      addLongs(l.values(), nulls, n);
    } else if (c instanceof Column.Doubles d) {
      addDoubles(d.values(), nulls, n);
    } else if (c instanceof Column.Strings s) {
      addStrings(s.values(), nulls, n);
    } else if (c instanceof Column.Bools b) {
      addBools(b.values(), nulls, n);
    } else {
      count += n - nulls.get(0, n).cardinality(); // counted, no values kept
    }
    missing += n - (count - before);
  }

  private void addLongs(long[] values, java.util.BitSet nulls, int n) {
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) {
        count++;
        addNumber(values[r]);
      }
    }
  }

  private void addDoubles(double[] values, java.util.BitSet nulls, int n) {
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) {
        count++;
        double v = values[r];
        if (Double.isNaN(v)) {
          nan++;
        } else {
          addNumber(v);
        }
      }
    }
  }

  /** A run of one value (the same {@code String}, as a reader shares a repeated value) is counted at once. */
  private void addStrings(String[] values, java.util.BitSet nulls, int n) {
    String run = null;
    long runLength = 0;
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) {
        String v = values[r];
        count++;
        totalLength += v.length();
        if (v != run) {
          if (runLength > 0) {
            addValue(run, runLength);
          }
          run = v;
          runLength = 0;
        }
        runLength++;
      }
    }
    if (runLength > 0) {
      addValue(run, runLength);
    }
  }

  private void addBools(boolean[] values, java.util.BitSet nulls, int n) {
    long trues = 0;
    long falses = 0;
    for (int r = 0; r < n; r++) {
      if (!nulls.get(r)) {
        if (values[r]) {
          trues++;
        } else {
          falses++;
        }
      }
    }
    count += trues + falses;
    if (falses > 0) {
      addValue("false", falses);
    }
    if (trues > 0) {
      addValue("true", trues);
    }
  }

  private void addNumber(double v) {
    sum.add(v);
    sumSq.add(v);
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (v == 0) {
      zeros++;
    }
    sketch.add(v);
  }

  /**
   * The key a value is counted under: the value itself when it has at most {@link #MAX_VALUE_CHARS}
   * characters, else its first characters, its length and a 64-bit FNV-1a hash of the whole value
   * ({@code "abc…[2000000 chars #1f2e3d4c5b6a7988]"}), so distinct long values stay distinct and
   * equal ones are counted together, in every split alike.
   */
  public static String countedKey(String v) {
    if (v.length() <= MAX_VALUE_CHARS) {
      return v;
    }
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < v.length(); i++) {
      h = (h ^ v.charAt(i)) * 0x100000001b3L;
    }
    int end = MAX_VALUE_CHARS - 48;
    if (Character.isHighSurrogate(v.charAt(end - 1))) {
      end--;
    }
    return v.substring(0, end) + "\u2026[" + v.length() + " chars #" + String.format("%016x", h) + "]";
  }

  /**
   * Counts {@code times} occurrences of a value: the same state as counting them one at a time
   * (once a value is kept or left out, its later occurrences only add to its count or to
   * {@code other}).
   */
  private void addValue(String value, long times) {
    String v = countedKey(value);
    // Once the counts are full, a value whose hash is above the largest kept one is not kept
    // (every kept value's hash is at most that): counted as other without looking it up.
    boolean full = distinct != null && values.size() >= MAX_DISTINCT;
    long hash = full ? DistinctSketch.hash(v) : 0;
    if (full && hash > byHash().peek().hash()) {
      distinct.addHash(hash);
      otherValues += times;
      return;
    }
    Count kept = values.get(v);
    if (kept != null) {
      kept.n += times;
      return;
    }
    if (values.size() < MAX_DISTINCT) {
      values.put(v, new Count(times));
      if (distinct != null) {
        distinct.add(v);
      }
      if (byHash != null) {
        byHash.add(new Hashed(v));
      }
      return;
    }
    if (!full) {
      hash = DistinctSketch.hash(v);
    }
    overflowSketch().addHash(hash);
    // Keep the MAX_DISTINCT values of smallest hash: a value once left out or evicted never
    // returns (the bound only falls), so every value kept has been counted from its first row.
    Hashed largest = byHash().peek();
    if (hash < largest.hash() || hash == largest.hash() && v.compareTo(largest.value()) < 0) {
      otherValues += values.remove(largest.value()).n;
      byHash.poll();
      values.put(v, new Count(times));
      byHash.add(new Hashed(hash, v));
    } else {
      otherValues += times;
    }
  }

  private PriorityQueue<Hashed> byHash() {
    if (byHash == null) {
      var all = new ArrayList<Hashed>(values.size());
      values.keySet().forEach(v -> all.add(new Hashed(v)));
      byHash = new PriorityQueue<>(Math.max(1, all.size()), Comparator.reverseOrder());
      byHash.addAll(all);
    }
    return byHash;
  }

  /** The distinct-value sketch, started from the kept values when the exact counts first overflow. */
  private DistinctSketch overflowSketch() {
    if (distinct == null) {
      distinct = new DistinctSketch();
      values.keySet().forEach(distinct::add);
    }
    return distinct;
  }

  public void merge(FeatureAccumulator o) {
    if (numeric()) {
      if (o.count - o.nan > 0) {
        sum.merge(o.sum);
        sumSq.merge(o.sumSq);
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
      }
      sketch.merge(o.sketch);
      zeros += o.zeros;
      nan += o.nan;
    } else {
      o.values.forEach((v, c) -> {
        Count mine = values.get(v);
        if (mine == null) {
          values.put(v, new Count(c.n));
        } else {
          mine.n += c.n;
        }
      });
      otherValues += o.otherValues;
      byHash = null;
      if (distinct != null || o.distinct != null || values.size() > MAX_DISTINCT) {
        // Without a sketch an accumulator's values are all its distinct values, so this sketch
        // then holds every distinct value of both.
        if (distinct == null) {
          distinct = new DistinctSketch();
        }
        if (o.distinct != null) {
          distinct.merge(o.distinct);
        }
        // Each value hashed once: into the sketch, and to order the values when there are too many.
        var order = new ArrayList<Hashed>(values.size());
        for (String v : values.keySet()) {
          var h = new Hashed(v);
          distinct.addHash(h.hash());
          order.add(h);
        }
        if (values.size() > MAX_DISTINCT) {
          order.sort(null); // by hash, then value
          for (int i = MAX_DISTINCT; i < order.size(); i++) {
            otherValues += values.remove(order.get(i).value()).n;
          }
        }
      }
      totalLength += o.totalLength;
    }
    count += o.count;
    missing += o.missing;
  }

  /** The finished statistics. */
  public FeatureStatistics result() {
    long rows = count + missing;
    if (numeric()) {
      long n = count - nan;
      double[] q = sketch.quantiles(0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1);
      var quantiles = new TreeMap<String, Double>();
      String[] names = {"0", "0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99", "1"};
      for (int i = 0; i < q.length; i++) {
        quantiles.put(names[i], q[i]);
      }
      List<Long> hist = n == 0 ? List.of() : toList(sketch.histogram(min, max, 10));
      Double mean = null;
      Double std = null;
      if (n > 0 && !sum.isFinite()) {
        mean = sum.doubleValue() / n; // an infinity (or NaN) among the values, as IEEE sums give
        std = Double.NaN;
      } else if (n > 0) {
        BigDecimal bn = BigDecimal.valueOf(n);
        BigDecimal s = sum.toBigDecimal();
        mean = s.divide(bn, MathContext.DECIMAL128).doubleValue();
        // n * sum(v^2) - sum(v)^2 = n^2 * variance, exactly (never negative).
        BigDecimal n2var = bn.multiply(sumSq.toBigDecimal()).subtract(s.multiply(s));
        std = Math.sqrt(n2var.divide(bn.multiply(bn), MathContext.DECIMAL128).doubleValue());
      }
      return new FeatureStatistics(name, type, rows, count, missing, nan,
          new FeatureStatistics.Numeric(n == 0 ? null : min, n == 0 ? null : max, mean,
              n < 2 ? (n == 1 ? 0.0 : null) : std, zeros, quantiles, hist),
          null);
    }
    var counts = new TreeMap<String, Long>();
    values.forEach((v, c) -> counts.put(v, c.n));
    var top = new ArrayList<>(counts.entrySet());
    top.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    var topK = new ArrayList<FeatureStatistics.ValueCount>();
    for (var e : top.subList(0, Math.min(20, top.size()))) {
      topK.add(new FeatureStatistics.ValueCount(e.getKey(), e.getValue()));
    }
    boolean exact = otherValues == 0;
    long unique = exact ? values.size() : Math.max(values.size() + 1, distinct.estimate());
    return new FeatureStatistics(name, type, rows, count, missing, 0, null,
        new FeatureStatistics.Categorical(unique, exact, topK, counts,
            count == 0 ? null : (double) totalLength / count));
  }

  private static List<Long> toList(long[] a) {
    var out = new ArrayList<Long>();
    for (long v : a) {
      out.add(v);
    }
    return out;
  }
}
