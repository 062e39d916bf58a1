package org.millrace.validate.schema;

import java.util.ArrayList;
import java.util.List;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.validate.statistics.FeatureStatistics;
import org.millrace.validate.statistics.StatisticsModel;

/** Turns statistics into a schema a person can review: types, presence, domains and ranges. */
public final class SchemaInferrer {
  private SchemaInferrer() {}

  private static double round(double v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }

  public static DataSchema infer(StatisticsModel stats, SchemaGenParams p) {
    var out = new ArrayList<Feature>();
    for (FeatureStatistics f : stats.features()) {
      double presence = Math.floor(f.presence() * 100) / 100;
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
