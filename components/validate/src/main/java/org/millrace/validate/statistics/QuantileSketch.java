package org.millrace.validate.statistics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A mergeable quantile sketch: weighted items kept sorted; when more than {@code 2k} items of one
 * weight accumulate, every other one is kept with twice the weight (a deterministic compaction, the
 * idea behind KLL). Exact until {@code 2k} values. Each compaction of level i moves a rank by at
 * most 2^i, so a query's rank error stays below about {@code log2(n/k) / k} of n (0.4% for the
 * default k = 2048 at a million values; tested). Merging in another order may differ within that
 * bound; below 2k values per split results are exact, hence identical on every runner.
 */
public final class QuantileSketch {
  private final int k;
  /** levels.get(i) holds items of weight 2^i, unsorted until compaction. */
  private final List<double[]> levels = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private long count;

  public QuantileSketch(int k) {
    if (k < 8) {
      throw new IllegalArgumentException("sketch size expected at least 8, got " + k);
    }
    this.k = k;
  }

  @JsonCreator
  static QuantileSketch restore(@JsonProperty("k") int k, @JsonProperty("levels") List<double[]> levels,
      @JsonProperty("count") long count) {
    var s = new QuantileSketch(k);
    for (double[] l : levels) {
      s.levels.add(Arrays.copyOf(l, Math.max(l.length, 2 * k + 1)));
      s.sizes.add(l.length);
    }
    s.count = count;
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

  @JsonProperty("levels")
  public List<double[]> levels() {
    var out = new ArrayList<double[]>();
    for (int i = 0; i < levels.size(); i++) {
      double[] l = Arrays.copyOf(levels.get(i), sizes.get(i));
      Arrays.sort(l);
      out.add(l);
    }
    return out;
  }

  public void add(double v) {
    addAt(0, v);
    count++;
  }

  private void addAt(int level, double v) {
    while (levels.size() <= level) {
      levels.add(new double[2 * k + 1]);
      sizes.add(0);
    }
    double[] l = levels.get(level);
    int n = sizes.get(level);
    l[n++] = v;
    sizes.set(level, n);
    if (n > 2 * k) {
      compact(level);
    }
  }

  private void compact(int level) {
    double[] l = levels.get(level);
    int n = sizes.get(level);
    Arrays.sort(l, 0, n);
    sizes.set(level, 0);
    // Keep the odd positions: deterministic, so merges are order-independent up to the bound.
    for (int i = 1; i < n; i += 2) {
      addAt(level + 1, l[i]);
    }
    if (n % 2 == 1) {
      addAt(level, l[n - 1]);
    }
  }

  public void merge(QuantileSketch other) {
    if (other.k != k) {
      throw new IllegalArgumentException("sketch merge expected the same size " + k + ", got " + other.k);
    }
    for (int i = 0; i < other.levels.size(); i++) {
      double[] l = other.levels.get(i);
      for (int j = 0; j < other.sizes.get(i); j++) {
        addAt(i, l[j]);
      }
    }
    count += other.count;
  }

  /** Values at the given ranks (0..1), from the weighted items. */
  public double[] quantiles(double... fractions) {
    var items = new ArrayList<double[]>();
    for (int i = 0; i < levels.size(); i++) {
      double[] l = levels.get(i);
      for (int j = 0; j < sizes.get(i); j++) {
        items.add(new double[] {l[j], 1L << i});
      }
    }
    double[] out = new double[fractions.length];
    if (items.isEmpty()) {
      Arrays.fill(out, Double.NaN);
      return out;
    }
    items.sort((a, b) -> Double.compare(a[0], b[0]));
    double total = items.stream().mapToDouble(x -> x[1]).sum();
    for (int q = 0; q < fractions.length; q++) {
      double target = fractions[q] * total;
      double seen = 0;
      out[q] = items.get(items.size() - 1)[0];
      for (double[] it : items) {
        seen += it[1];
        if (seen >= target) {
          out[q] = it[0];
          break;
        }
      }
    }
    return out;
  }

  /** Estimated counts of values in equal-width buckets over [min, max]. */
  public long[] histogram(double min, double max, int buckets) {
    long[] counts = new long[buckets];
    double width = (max - min) / buckets;
    for (int i = 0; i < levels.size(); i++) {
      double[] l = levels.get(i);
      for (int j = 0; j < sizes.get(i); j++) {
        int b = width <= 0 ? 0 : (int) Math.min(buckets - 1, Math.max(0, Math.floor((l[j] - min) / width)));
        counts[b] += 1L << i;
      }
    }
    return counts;
  }
}
