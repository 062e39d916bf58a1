package org.millrace.validate.validator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.format.Anomaly;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.format.StatisticsModel;

/** Finds anomalies: statistics against a schema, and one split's distributions against another's. */
public final class Validator {
  private Validator() {}

  public static List<Anomaly> againstSchema(StatisticsModel stats, DataSchema schema) {
    return againstSchema(stats, schema, "the schema");
  }

  /**
   * Statistics against a schema; each anomaly names {@code schemaSource} as where its bound came from.
   * Presence is checked with sampling noise in mind: a split is short of {@code min_presence} only
   * when even the upper bound of a 99.9% Wilson interval of its observed presence is below it (so
   * 5 missing of 77 rows does not fail a bound of 0.96, while any missing value fails a bound of 1).
   */
  public static List<Anomaly> againstSchema(StatisticsModel stats, DataSchema schema, String schemaSource) {
    return againstSchema(stats, schema, schemaSource, Map.of());
  }

  /**
   * As {@link #againstSchema(StatisticsModel, DataSchema, String)}, each anomaly against a bound
   * SchemaGen inferred also saying how it was inferred: {@code provenance} by feature, then bound
   * ({@code presence}, {@code domain}, {@code min}, {@code max}), as {@code SchemaInferrer.provenance}
   * gives it. A bound without an entry (a schema written by hand) names only {@code schemaSource}.
   */
  public static List<Anomaly> againstSchema(StatisticsModel stats, DataSchema schema, String schemaSource,
      Map<String, Map<String, String>> provenance) {
    String from = " (" + schemaSource + ")";
    var out = new ArrayList<Anomaly>();
    String split = stats.split();
    for (Feature f : schema.features()) {
      Optional<FeatureStatistics> found = stats.feature(f.name());
      if (found.isEmpty()) {
        out.add(new Anomaly(split, f.name(), Anomaly.Kind.MISSING_FEATURE, "the feature to be present" + from,
            "no such column"));
        continue;
      }
      FeatureStatistics s = found.get();
      if (s.type() != f.type()) {
        out.add(new Anomaly(split, f.name(), Anomaly.Kind.TYPE_CHANGE, f.type().label() + from, s.type().label()));
        continue;
      }
      double minPresence = f.minPresence() != null ? f.minPresence() : f.nullable() ? 0 : 1;
      long present = s.rows() - s.missing();
      double upper = org.millrace.validate.schema.SchemaInferrer.wilsonUpper(present, s.rows());
      if (s.rows() > 0 && s.presence() < minPresence && upper < minPresence) {
        String bound = f.minPresence() != null ? "min_presence " + minPresence : "a non-nullable feature";
        out.add(new Anomaly(split, f.name(), Anomaly.Kind.LOW_PRESENCE, "presence >= " + minPresence + " ("
            + bound + " of " + schemaSource + how(provenance, f.name(), "presence") + ")", String.format("%.4f (%d of %d rows missing; the 99.9%% interval's"
            + " upper bound %.4f is below the bound too)", s.presence(), s.missing(), s.rows(), upper)));
      }
      var c = s.categorical();
      if (f.domain() != null && c != null) {
        var unexpected = new java.util.TreeMap<String, Long>();
        c.counts().forEach((v, n) -> {
          if (!f.domain().contains(v)) {
            unexpected.put(v, n);
          }
        });
        if (!unexpected.isEmpty() || !c.exact()) {
          out.add(new Anomaly(split, f.name(), Anomaly.Kind.OUT_OF_DOMAIN, "values in " + f.domain() + " ("
              + schemaSource + how(provenance, f.name(), "domain") + ")",
              "unexpected values (with counts) " + unexpected + (c.exact() ? "" : " and more not counted")));
        }
      }
      var n = s.numeric();
      if (n != null && n.min() != null) {
        if (f.min() != null && n.min() < f.min()) {
          out.add(new Anomaly(split, f.name(), Anomaly.Kind.OUT_OF_RANGE, "min >= " + f.min() + " (" + schemaSource
              + how(provenance, f.name(), "min") + ")", "min " + n.min()));
        }
        if (f.max() != null && n.max() > f.max()) {
          out.add(new Anomaly(split, f.name(), Anomaly.Kind.OUT_OF_RANGE, "max <= " + f.max() + " (" + schemaSource
              + how(provenance, f.name(), "max") + ")", "max " + n.max()));
        }
      }
    }
    for (FeatureStatistics s : stats.features()) {
      if (schema.find(s.name()).isEmpty()) {
        out.add(new Anomaly(split, s.name(), Anomaly.Kind.NEW_FEATURE, "only the features " + schema.names() + from,
            "a new " + s.type().label() + " column"));
      }
    }
    return out;
  }

  private static boolean isNumber(org.millrace.api.data.FeatureType t) {
    return t == org.millrace.api.data.FeatureType.INT || t == org.millrace.api.data.FeatureType.FLOAT;
  }

  private static String how(Map<String, Map<String, String>> provenance, String feature, String bound) {
    String text = provenance.getOrDefault(feature, Map.of()).get(bound);
    return text == null ? "" : ": " + text;
  }

  /** Distribution distances above their threshold, {@code current} vs {@code baseline}. */
  public static List<Anomaly> distributions(StatisticsModel current, StatisticsModel baseline,
      DistributionThresholds thresholds, Anomaly.Kind kind, String label) {
    var out = new ArrayList<Anomaly>();
    for (FeatureStatistics s : current.features()) {
      Double t = thresholds.of(s.name());
      Optional<FeatureStatistics> b = baseline.feature(s.name());
      // Whole numbers and decimals compare as numbers: a delivery whose int column came as 6750.0 (a unit changed
      // upstream, say) was skipped, its drift unseen.
      boolean numbers = b.isPresent() && isNumber(s.type()) && isNumber(b.get().type());
      if (t == null || b.isEmpty() || b.get().type() != s.type() && !numbers) {
        continue;
      }
      if (s.numeric() != null && s.numeric().min() != null && b.get().numeric().min() != null) {
        double d = Distances.jensenShannon(s.numeric(), b.get().numeric());
        if (d > t) {
          out.add(new Anomaly(current.split(), s.name(), kind, "Jensen-Shannon divergence <= " + t + " vs " + label,
              String.format("%.4f (mean %.4g vs %.4g)", d, s.numeric().mean(), b.get().numeric().mean())));
        }
      } else if (s.categorical() != null && b.get().categorical() != null) {
        double d = Distances.lInfinity(s.categorical().counts(), b.get().categorical().counts());
        if (d > t) {
          out.add(new Anomaly(current.split(), s.name(), kind, "L-infinity distance <= " + t + " vs " + label,
              String.format("%.4f", d)));
        }
      }
    }
    return out;
  }
}
