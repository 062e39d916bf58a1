package org.millrace.validate.statistics;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.api.data.Column;
import org.millrace.api.data.FeatureType;

/**
 * Mergeable statistics of one feature: counts, moments (Chan et al.'s parallel variance), zeros,
 * a quantile sketch for numbers, and value counts for strings and bools (exact up to
 * {@link #MAX_DISTINCT} distinct values; beyond that new values are counted as {@code other}, and
 * a {@link DistinctSketch}, seeded with every value kept, estimates the number of distinct values).
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
  double mean;
  double m2;
  QuantileSketch sketch;
  TreeMap<String, Long> values;
  long otherValues;
  DistinctSketch distinct;
  long totalLength;

  FeatureAccumulator() {}

  public FeatureAccumulator(String name, FeatureType type) {
    this.name = name;
    this.type = type;
    if (numeric()) {
      sketch = new QuantileSketch(SKETCH_K);
    } else {
      values = new TreeMap<>();
    }
  }

  boolean numeric() {
    return type == FeatureType.INT || type == FeatureType.FLOAT;
  }

  public void add(Column c) {
    int n = c.size();
    for (int r = 0; r < n; r++) {
      if (c.isNull(r)) {
        missing++;
        continue;
      }
      count++;
      if (c instanceof Column.Longs l) {
        addNumber(l.values()[r]);
      } else if (c instanceof Column.Doubles d) {
        double v = d.values()[r];
        if (Double.isNaN(v)) {
          nan++;
        } else {
          addNumber(v);
        }
      } else if (c instanceof Column.Strings s) {
        addValue(s.values()[r]);
        totalLength += s.values()[r].length();
      } else if (c instanceof Column.Bools b) {
        addValue(String.valueOf(b.values()[r]));
      }
    }
  }

  private void addNumber(double v) {
    long k = count - nan;
    double delta = v - mean;
    mean += delta / k;
    m2 += delta * (v - mean);
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

  private void addValue(String value) {
    String v = countedKey(value);
    Long prev = values.get(v);
    if (prev != null) {
      values.put(v, prev + 1);
    } else if (values.size() < MAX_DISTINCT) {
      values.put(v, 1L);
    } else {
      otherValues++;
      overflowSketch().add(v);
    }
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
      long na = count - nan;
      long nb = o.count - o.nan;
      if (nb > 0) {
        double delta = o.mean - mean;
        long n = na + nb;
        mean = na == 0 ? o.mean : mean + delta * nb / n;
        m2 = m2 + o.m2 + delta * delta * ((double) na * nb / n);
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
      }
      sketch.merge(o.sketch);
      zeros += o.zeros;
      nan += o.nan;
    } else {
      o.values.forEach((v, c) -> {
        Long prev = values.get(v);
        if (prev != null || values.size() < MAX_DISTINCT) {
          values.merge(v, c, Long::sum);
        } else {
          otherValues += c;
          overflowSketch().add(v);
        }
      });
      otherValues += o.otherValues;
      if (o.distinct != null) {
        overflowSketch().merge(o.distinct);
      }
      if (distinct != null) {
        values.keySet().forEach(distinct::add);
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
      return new FeatureStatistics(name, type, rows, count, missing, nan,
          new FeatureStatistics.Numeric(n == 0 ? null : min, n == 0 ? null : max, n == 0 ? null : mean,
              n < 2 ? (n == 1 ? 0.0 : null) : Math.sqrt(m2 / n), zeros, quantiles, hist),
          null);
    }
    var top = new ArrayList<>(values.entrySet());
    top.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    var topK = new ArrayList<FeatureStatistics.ValueCount>();
    for (var e : top.subList(0, Math.min(20, top.size()))) {
      topK.add(new FeatureStatistics.ValueCount(e.getKey(), e.getValue()));
    }
    boolean exact = otherValues == 0;
    long unique = exact ? values.size() : Math.max(values.size() + 1, distinct.estimate());
    return new FeatureStatistics(name, type, rows, count, missing, 0, null,
        new FeatureStatistics.Categorical(unique, exact, topK, new TreeMap<>(values),
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
