package org.millrace.validate.schema;

import java.util.ArrayList;
import java.util.List;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.validate.statistics.FeatureStatistics;
import org.millrace.validate.statistics.StatisticsModel;

/**
 * Turns statistics into a schema a person can review: types, presence, domains and ranges.
 *
 * <p>Presence: a column never missing in the statistics is required ({@code min_presence} 1). A
 * column with missing values gets the lower bound of a 99.9% Wilson score interval of its observed
 * presence, rounded down to two decimals — not the observed fraction itself — so that a smaller
 * split drawn from the same data (an eval split, the next span) is not flagged for sampling noise.
 */
public final class SchemaInferrer {
  /** The normal quantile of the one-sided 99.95% level used for presence bounds (a 99.9% interval). */
  public static final double Z = 3.29;

  private SchemaInferrer() {}

  /** The Wilson score interval's lower bound for {@code k} successes of {@code n} at {@link #Z}. */
  public static double wilsonLower(long k, long n) {
    return wilson(k, n, -1);
  }

  /** The Wilson score interval's upper bound for {@code k} successes of {@code n} at {@link #Z}. */
  public static double wilsonUpper(long k, long n) {
    return wilson(k, n, 1);
  }

  private static double wilson(long k, long n, int sign) {
    if (n == 0) {
      return sign < 0 ? 0 : 1;
    }
    double p = (double) k / n;
    double z2 = Z * Z;
    double center = p + z2 / (2.0 * n);
    double margin = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return Math.max(0, Math.min(1, (center + sign * margin) / (1 + z2 / n)));
  }

  private static double round(double v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }

  public static DataSchema infer(StatisticsModel stats, SchemaGenParams p) {
    var out = new ArrayList<Feature>();
    for (FeatureStatistics f : stats.features()) {
      long present = f.rows() - f.missing();
      double presence = f.missing() == 0 ? 1.0 : Math.floor(wilsonLower(present, f.rows()) * 100) / 100;
      List<String> domain = null;
      Double min = null;
      Double max = null;
      var c = f.categorical();
      if (f.type() == FeatureType.STRING && c != null && c.exact() && c.unique() > 0 && c.unique() <= p.maxDomainSize()) {
        domain = List.copyOf(c.counts().keySet());
      }
      var n = f.numeric();
      if (p.inferRanges() && n != null && n.min() != null) {
        double margin = (n.max() - n.min()) * p.rangeMargin();
        min = round(n.min() - margin);
        max = round(n.max() + margin);
        if (f.type() == FeatureType.INT) {
          min = Math.floor(min);
          max = Math.ceil(max);
        }
      }
      out.add(new Feature(f.name(), f.type(), f.missing() > 0, List.of(), presence, domain, min, max));
    }
    return new DataSchema(out);
  }
}
