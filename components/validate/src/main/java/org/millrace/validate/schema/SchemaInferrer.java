package org.millrace.validate.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.format.StatisticsModel;

/**
 * Turns statistics into a schema a person can review: types, presence, domains and ranges.
 *
 * <p>Presence: a column never missing in the statistics is required ({@code min_presence} 1). A
 * column with missing values gets the lower bound of a 99.9% Wilson score interval of its observed
 * presence, rounded down to two decimals — not the observed fraction itself — so that a smaller
 * split drawn from the same data (an eval split, the next span) is not flagged for sampling noise.
 *
 * <p>Ranges (with {@code infer_ranges}): the observed {@code [min, max]} widened at each end by
 * {@code range_margin} of its width, times {@code sqrt(1000 / rows)} on a split of fewer than
 * {@link #RANGE_FULL_ROWS} rows: the extremes of a small sample lie further inside the range the
 * data comes from (the expected gap between a sample's maximum and the next value drawn shrinks as
 * 1/rows), so a small train split's bounds are widened rather than taken as the data's limits.
 *
 * <p>{@link #provenance} says, per feature and bound, how it was inferred (split, rows, counts,
 * margin); SchemaGen writes it beside the schema ({@code bounds.json}) and ExampleValidator quotes
 * it in every anomaly against an inferred bound.
 */
public final class SchemaInferrer {
  /** The normal quantile of the one-sided 99.95% level used for presence bounds (a 99.9% interval). */
  public static final double Z = 3.29;

  /** Splits of at least this many rows get {@code range_margin} as it is; smaller ones more. */
  public static final long RANGE_FULL_ROWS = 1000;

  private SchemaInferrer() {}

  /** The fraction of the observed width added at each end of a range inferred from {@code rows} rows. */
  public static double rangeMarginFraction(SchemaGenParams p, long rows) {
    return p.rangeMargin() * Math.max(1.0, Math.sqrt((double) RANGE_FULL_ROWS / Math.max(1, rows)));
  }

  /**
   * How each bound {@link #infer} gives was inferred, in words, by feature then bound
   * ({@code presence}, {@code domain}, {@code min}, {@code max}): the split, its rows, what was
   * observed and the margin taken.
   */
  public static Map<String, Map<String, String>> provenance(StatisticsModel stats, SchemaGenParams p) {
    return provenance(stats, List.of(), p);
  }

  /**
   * The values of a string feature seen in {@code stats}' split and in {@code others} (the other
   * splits of the same statistics), in that order; null when they are not counted exactly in every
   * split, or more than {@code max_domain_size}. As TFX's SchemaGen, which excludes no split by
   * default: a class or category rare enough to land in the eval split alone was an OUT_OF_DOMAIN
   * anomaly of a pipeline's first run, on data nothing was wrong with.
   */
  static List<String> domain(FeatureStatistics f, List<StatisticsModel> others, SchemaGenParams p) {
    var c = f.categorical();
    if (f.type() != FeatureType.STRING || c == null || !c.exact() || c.unique() == 0) {
      return null;
    }
    var values = new java.util.LinkedHashSet<String>(c.counts().keySet());
    for (StatisticsModel o : others) {
      for (FeatureStatistics g : o.features()) {
        if (g.name().equals(f.name())) {
          var gc = g.categorical();
          if (gc == null || !gc.exact()) {
            return null;
          }
          new java.util.TreeSet<>(gc.counts().keySet()).forEach(values::add);
        }
      }
    }
    return values.size() <= p.maxDomainSize() ? List.copyOf(values) : null;
  }

  /** {@link #provenance(StatisticsModel, SchemaGenParams)}, the domains over {@code others} too. */
  public static Map<String, Map<String, String>> provenance(StatisticsModel stats, List<StatisticsModel> others,
      SchemaGenParams p) {
    var out = new TreeMap<String, Map<String, String>>();
    String from = "inferred by SchemaGen from the " + stats.split() + " split";
    for (FeatureStatistics f : stats.features()) {
      var b = new TreeMap<String, String>();
      long present = f.rows() - f.missing();
      if (f.missing() == 0) {
        b.put("presence", from + " (" + f.rows() + " rows, none missing: required)");
      } else {
        double lower = wilsonLower(present, f.rows());
        b.put("presence", String.format(Locale.ROOT, "%s (%d rows, %d missing, presence %.4f): the lower end of a 99.9%%"
            + " Wilson interval, %.4f, rounded down to two decimals, a margin of %.4f for sampling noise", from,
            f.rows(), f.missing(), (double) present / f.rows(), lower, (double) present / f.rows()
            - Math.floor(lower * 100) / 100));
      }
      List<String> domain = domain(f, others, p);
      if (domain != null) {
        var c = f.categorical();
        b.put("domain", from + " (" + f.rows() + " rows): the " + c.unique() + " values seen there" + (domain.size()
            > c.unique() ? " and " + (domain.size() - c.unique()) + " more seen in the " + String.join(" and ",
                others.stream().map(StatisticsModel::split).toList()) + " split" + (others.size() > 1 ? "s" : "")
            : "") + " (max_domain_size " + p.maxDomainSize() + ")");
      }
      var n = f.numeric();
      if (p.inferRanges() && n != null && n.min() != null) {
        double fraction = rangeMarginFraction(p, f.rows());
        String margin = String.format(Locale.ROOT, "%.6g (range_margin %s%s of the observed width %.6g)",
            (n.max() - n.min()) * fraction, p.rangeMargin(), f.rows() < RANGE_FULL_ROWS ? String.format(Locale.ROOT,
                " x sqrt(%d/%d) = %.4f, widened for a split under %d rows", RANGE_FULL_ROWS, f.rows(), fraction,
                RANGE_FULL_ROWS) : "", n.max() - n.min());
        b.put("min", from + " (" + f.rows() + " rows): the observed min " + n.min() + " less a margin of " + margin);
        b.put("max", from + " (" + f.rows() + " rows): the observed max " + n.max() + " plus a margin of " + margin);
      }
      out.put(f.name(), b);
    }
    return out;
  }

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
    return infer(stats, List.of(), p);
  }

  /** {@link #infer(StatisticsModel, SchemaGenParams)}, string domains over the {@code others} splits too. */
  public static DataSchema infer(StatisticsModel stats, List<StatisticsModel> others, SchemaGenParams p) {
    var out = new ArrayList<Feature>();
    for (FeatureStatistics f : stats.features()) {
      long present = f.rows() - f.missing();
      double presence = f.missing() == 0 ? 1.0 : Math.floor(wilsonLower(present, f.rows()) * 100) / 100;
      List<String> domain = domain(f, others, p);
      Double min = null;
      Double max = null;
      var n = f.numeric();
      if (p.inferRanges() && n != null && n.min() != null) {
        double margin = (n.max() - n.min()) * rangeMarginFraction(p, f.rows());
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
