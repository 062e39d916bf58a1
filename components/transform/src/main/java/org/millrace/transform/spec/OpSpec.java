package org.millrace.transform.spec;

import java.util.List;

/** One op as the user wrote it, before fitting. */
public sealed interface OpSpec {
  /** Name as written in YAML. */
  String op();

  /** Whether the op needs statistics from an analyze pass. */
  boolean needsAnalysis();

  /** fill_missing: {@code mean|median|mode|constant} (value for constant), optional is-missing indicator. */
  record FillMissing(String strategy, Object value, boolean indicator) implements OpSpec {
    public String op() {
      return "fill_missing";
    }

    public boolean needsAnalysis() {
      return !"constant".equals(strategy);
    }
  }

  record ZScore() implements OpSpec {
    public String op() {
      return "zscore";
    }

    public boolean needsAnalysis() {
      return true;
    }
  }

  record MinMax() implements OpSpec {
    public String op() {
      return "min_max";
    }

    public boolean needsAnalysis() {
      return true;
    }
  }

  record Log1p() implements OpSpec {
    public String op() {
      return "log1p";
    }

    public boolean needsAnalysis() {
      return false;
    }
  }

  record Clip(Double min, Double max) implements OpSpec {
    public String op() {
      return "clip";
    }

    public boolean needsAnalysis() {
      return false;
    }
  }

  /** Either {@code quantiles} buckets fitted on the data or fixed {@code boundaries}. */
  record Bucketize(Integer quantiles, List<Double> boundaries) implements OpSpec {
    public String op() {
      return "bucketize";
    }

    public boolean needsAnalysis() {
      return quantiles != null;
    }
  }

  /** Top-k terms by frequency (ties by term) with at least {@code minFrequency} occurrences. */
  record Vocabulary(Integer topK, long minFrequency, int numOovBuckets) implements OpSpec {
    public String op() {
      return "vocabulary";
    }

    public boolean needsAnalysis() {
      return true;
    }
  }

  record Hash(int buckets) implements OpSpec {
    public String op() {
      return "hash";
    }

    public boolean needsAnalysis() {
      return false;
    }
  }

  record OneHot() implements OpSpec {
    public String op() {
      return "one_hot";
    }

    public boolean needsAnalysis() {
      return false;
    }
  }
}
