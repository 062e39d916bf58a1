package org.millrace.validate.validator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.validate.statistics.FeatureStatistics;
import org.millrace.validate.statistics.StatisticsModel;

/** Finds anomalies: statistics against a schema, and one split's distributions against another's. */
public final class Validator {
  private Validator() {}

  public static List<Anomaly> againstSchema(StatisticsModel stats, DataSchema schema) {
    var out = new ArrayList<Anomaly>();
    String split = stats.split();
    for (Feature f : schema.features()) {
      Optional<FeatureStatistics> found = stats.feature(f.name());
      if (found.isEmpty()) {
        out.add(new Anomaly(split, f.name(), Anomaly.Kind.MISSING_FEATURE, "the feature to be present", "no such column"));
        continue;
      }
      FeatureStatistics s = found.get();
      if (s.type() != f.type()) {
        out.add(new Anomaly(split, f.name(), Anomaly.Kind.TYPE_CHANGE, f.type().label(), s.type().label()));
        continue;
      }
      double minPresence = f.minPresence() != null ? f.minPresence() : f.nullable() ? 0 : 1;
      if (s.rows() > 0 && s.presence() < minPresence) {
        out.add(new Anomaly(split, f.name(), Anomaly.Kind.LOW_PRESENCE, "presence >= " + minPresence,
            String.format("%.4f (%d of %d rows missing)", s.presence(), s.missing(), s.rows())));
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
          out.add(new Anomaly(split, f.name(), Anomaly.Kind.OUT_OF_DOMAIN, "values in " + f.domain(),
              "unexpected values (with counts) " + unexpected + (c.exact() ? "" : " and more not counted")));
        }
      }
      var n = s.numeric();
      if (n != null && n.min() != null) {
        if (f.min() != null && n.min() < f.min()) {
          out.add(new Anomaly(split, f.name(), Anomaly.Kind.OUT_OF_RANGE, "min >= " + f.min(), "min " + n.min()));
        }
        if (f.max() != null && n.max() > f.max()) {
          out.add(new Anomaly(split, f.name(), Anomaly.Kind.OUT_OF_RANGE, "max <= " + f.max(), "max " + n.max()));
        }
      }
    }
    for (FeatureStatistics s : stats.features()) {
      if (schema.find(s.name()).isEmpty()) {
        out.add(new Anomaly(split, s.name(), Anomaly.Kind.NEW_FEATURE, "only the features " + schema.names(),
            "a new " + s.type().label() + " column"));
      }
    }
    return out;
  }

  /** Distribution distances above their threshold, {@code current} vs {@code baseline}. */
  public static List<Anomaly> distributions(StatisticsModel current, StatisticsModel baseline,
      DistributionThresholds thresholds, Anomaly.Kind kind, String label) {
    var out = new ArrayList<Anomaly>();
    for (FeatureStatistics s : current.features()) {
      Double t = thresholds.of(s.name());
      Optional<FeatureStatistics> b = baseline.feature(s.name());
      if (t == null || b.isEmpty() || b.get().type() != s.type()) {
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
