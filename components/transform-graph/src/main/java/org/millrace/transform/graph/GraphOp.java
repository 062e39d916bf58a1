package org.millrace.transform.graph;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One fitted operation of a feature pipeline, with its constants. Ops run in order on a
 * {@link Cursor}; numeric ops pass a missing value through (only {@link FillMissing} fills it).
 */
public sealed interface GraphOp {

  /** The op's name as written in specs and graph JSON. */
  String op();

  /** Applies the op to the value of {@code feature} in {@code c}. */
  void apply(Cursor c, String feature);

  /** Fills a missing value; {@code number} for numeric pipelines, {@code string} for categorical. */
  record FillMissing(String strategy, Double number, String string, boolean indicator) implements GraphOp {
    public FillMissing {
      if (number == null && string == null) {
        throw new IllegalArgumentException("fill_missing expected a fitted number or string, got neither");
      }
    }

    public String op() {
      return "fill_missing";
    }

    public void apply(Cursor c, String feature) {
      if (!c.missing) {
        return;
      }
      if (c.kind == Cursor.Kind.NUM) {
        c.num = number;
      } else {
        c.str = string;
      }
      c.missing = false;
    }
  }

  /** (x - mean) / std; std 0 (a constant column) divides by 1. */
  record ZScore(double mean, double std) implements GraphOp {
    public String op() {
      return "zscore";
    }

    public void apply(Cursor c, String feature) {
      c.num = (c.num - mean) / (std == 0 ? 1 : std);
    }
  }

  /** (x - min) / (max - min); a constant column maps to 0. Values outside the fitted range are not clipped. */
  record MinMax(double min, double max) implements GraphOp {
    public String op() {
      return "min_max";
    }

    public void apply(Cursor c, String feature) {
      c.num = max == min ? 0 : (c.num - min) / (max - min);
    }
  }

  /** log(1 + x); x &lt;= -1 is an error. */
  record Log1p() implements GraphOp {
    public String op() {
      return "log1p";
    }

    public void apply(Cursor c, String feature) {
      if (c.missing) {
        return;
      }
      if (c.num <= -1) {
        throw new IllegalArgumentException(
            "log1p on feature '" + feature + "' expected a value > -1, got " + c.num + ". Clip it first.");
      }
      c.num = Math.log1p(c.num);
    }
  }

  /** Clamps to [min, max]; a null bound is open. */
  record Clip(Double min, Double max) implements GraphOp {
    public String op() {
      return "clip";
    }

    public void apply(Cursor c, String feature) {
      if (min != null && c.num < min) {
        c.num = min;
      }
      if (max != null && c.num > max) {
        c.num = max;
      }
    }
  }

  /** Bucket i holds boundaries[i-1] &lt;= x &lt; boundaries[i]; boundaries.size()+1 buckets. */
  record Bucketize(List<Double> boundaries) implements GraphOp {
    public Bucketize {
      boundaries = List.copyOf(boundaries);
      for (int i = 1; i < boundaries.size(); i++) {
        if (!(boundaries.get(i) > boundaries.get(i - 1))) {
          throw new IllegalArgumentException("bucketize expected strictly increasing boundaries, got " + boundaries);
        }
      }
    }

    public String op() {
      return "bucketize";
    }

    public void apply(Cursor c, String feature) {
      requirePresent(c, feature, op());
      int lo = 0;
      int hi = boundaries.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (c.num >= boundaries.get(mid)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      c.index(lo, boundaries.size() + 1);
    }
  }

  /**
   * Term to index; missing and unseen terms go to one of {@code numOovBuckets} OOV buckets after
   * the terms (by hash), or to index -1 (an all-zero one-hot) when there are none.
   */
  record Vocabulary(List<String> terms, int numOovBuckets, Map<String, Integer> lookup) implements GraphOp {
    public Vocabulary(List<String> terms, int numOovBuckets) {
      this(terms, numOovBuckets, null);
    }

    public Vocabulary {
      terms = List.copyOf(terms);
      if (numOovBuckets < 0) {
        throw new IllegalArgumentException("vocabulary num_oov_buckets expected >= 0, got " + numOovBuckets);
      }
      var m = new HashMap<String, Integer>(terms.size() * 2);
      for (int i = 0; i < terms.size(); i++) {
        if (m.put(terms.get(i), i) != null) {
          throw new IllegalArgumentException("vocabulary expected distinct terms, got '" + terms.get(i) + "' twice");
        }
      }
      lookup = Map.copyOf(m);
    }

    public String op() {
      return "vocabulary";
    }

    public int size() {
      return terms.size() + numOovBuckets;
    }

    public void apply(Cursor c, String feature) {
      Integer i = c.str == null ? null : lookup.get(c.str);
      if (i != null) {
        c.index(i, size());
      } else if (numOovBuckets == 0) {
        c.index(-1, size());
      } else {
        c.index(terms.size() + (int) Math.floorMod(fnv1a(c.str == null ? "" : c.str), (long) numOovBuckets), size());
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Vocabulary v && terms.equals(v.terms) && numOovBuckets == v.numOovBuckets;
    }

    @Override
    public int hashCode() {
      return terms.hashCode() * 31 + numOovBuckets;
    }

    @Override
    public String toString() {
      return "Vocabulary[terms=" + terms + ", numOovBuckets=" + numOovBuckets + "]";
    }
  }

  /** FNV-1a 64 of the UTF-8 string, modulo {@code buckets} (missing hashes as ""). */
  record Hash(int buckets) implements GraphOp {
    public Hash {
      if (buckets < 1) {
        throw new IllegalArgumentException("hash buckets expected >= 1, got " + buckets);
      }
    }

    public String op() {
      return "hash";
    }

    public void apply(Cursor c, String feature) {
      c.index((int) Math.floorMod(fnv1a(c.str == null ? "" : c.str), (long) buckets), buckets);
    }
  }

  /** Marks the category index to be emitted as a one-hot vector (must be last). */
  record OneHot() implements GraphOp {
    public String op() {
      return "one_hot";
    }

    public void apply(Cursor c, String feature) {
      // Emission happens in FeaturePipeline; the index is unchanged.
    }
  }

  private static void requirePresent(Cursor c, String feature, String op) {
    if (c.missing) {
      throw new IllegalArgumentException("feature '" + feature + "' expected a value for " + op
          + ", got missing. Add {fill_missing: ...} before " + op + " in its ops.");
    }
  }

  /** 64-bit FNV-1a of the UTF-8 bytes: stable across JVMs and versions. */
  static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
