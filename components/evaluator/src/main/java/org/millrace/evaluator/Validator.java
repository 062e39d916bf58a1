package org.millrace.evaluator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.millrace.api.artifact.Blessing.Check;
import org.millrace.api.format.SliceMetrics;

/** Applies {@link MetricThreshold}s to candidate (and baseline) metrics; pure, no I/O. */
public final class Validator {
  private Validator() {}

  /**
   * Validates the candidate.
   *
   * @param candidate metrics by slice key (reported slices only)
   * @param baseline baseline metrics by slice key, or null when there is no baseline model
   * @param suppressed slice keys below min_slice_size
   */
  public static List<Check> validate(EvaluatorParams params, Map<String, SliceMetrics> candidate,
      Map<String, SliceMetrics> baseline, Set<String> suppressed) {
    List<Check> checks = new ArrayList<>();
    if (params.alwaysBless()) {
      checks.add(new Check("", SliceKeys.OVERALL, "always_bless", null, null, null, "pass",
          "no thresholds; always_bless: true"));
      return checks;
    }
    for (MetricThreshold t : params.thresholds()) {
      List<String> keys = new ArrayList<>();
      if (t.allSlices()) {
        keys.addAll(candidate.keySet());
      } else {
        keys.add(findSlice(t.slice(), candidate.keySet(), suppressed));
      }
      for (String key : keys) {
        checkSlice(params, t, key, candidate, baseline, suppressed, checks);
      }
    }
    return checks;
  }

  private static void checkSlice(EvaluatorParams params, MetricThreshold t, String key,
      Map<String, SliceMetrics> candidate, Map<String, SliceMetrics> baseline, Set<String> suppressed,
      List<Check> checks) {
    SliceMetrics m = candidate.get(key);
    if (m == null) {
      String why = suppressed.contains(key)
          ? "slice has fewer than min_slice_size=" + params.minSliceSize() + " examples (suppressed)"
          : "slice not found among evaluated slices " + candidate.keySet();
      checks.add(new Check(t.metric(), key, "slice", null, null, null, "fail", why));
      return;
    }
    Double observed = m.metrics().get(t.metric());
    if (observed == null || observed.isNaN()) {
      checks.add(new Check(t.metric(), key, "metric", observed, null, null, "fail", observed == null
          ? "metric expected one of " + m.metrics().keySet() + ", got '" + t.metric() + "'"
          : "metric is undefined (NaN) on this slice"));
      return;
    }
    if (t.lower() != null) {
      boolean ok = observed >= t.lower();
      checks.add(new Check(t.metric(), key, "lower", observed, t.lower(), null, ok ? "pass" : "fail",
          String.format("%s %s lower bound %s", fmt(observed), ok ? ">=" : "<", fmt(t.lower()))));
    }
    if (t.upper() != null) {
      boolean ok = observed <= t.upper();
      checks.add(new Check(t.metric(), key, "upper", observed, t.upper(), null, ok ? "pass" : "fail",
          String.format("%s %s upper bound %s", fmt(observed), ok ? "<=" : ">", fmt(t.upper()))));
    }
    if (!t.isChange()) {
      return;
    }
    Double base = baseline == null || baseline.get(key) == null ? null : baseline.get(key).metrics().get(t.metric());
    for (String kind : new String[] {"change_absolute", "change_relative"}) {
      Double bound = kind.equals("change_absolute") ? t.changeAbsolute() : t.changeRelative();
      if (bound == null) {
        continue;
      }
      if (base == null || base.isNaN()) {
        boolean require = params.firstRun() == FirstRunPolicy.REQUIRE_BASELINE;
        String why = baseline == null ? "no baseline model" : "baseline has no value for this slice";
        checks.add(new Check(t.metric(), key, kind, observed, bound, null, require ? "fail" : "skipped",
            why + "; first_run: " + params.firstRun().name().toLowerCase()));
        continue;
      }
      double improvement = t.higherIsBetter() ? observed - base : base - observed;
      double value = kind.equals("change_absolute") ? improvement
          : (base == 0 ? (improvement >= 0 ? 0 : Double.NEGATIVE_INFINITY) : improvement / Math.abs(base));
      boolean ok = value >= bound;
      checks.add(new Check(t.metric(), key, kind, observed, bound, base, ok ? "pass" : "fail", String.format(
          "%s improvement %s (%s) vs baseline %s, required >= %s", kind.equals("change_absolute") ? "absolute" : "relative",
          fmt(value), t.higherIsBetter() ? "higher is better" : "lower is better", fmt(base), fmt(bound))));
    }
  }

  /** The slice key for a {@code {feature: value}} map. */
  static String findSlice(Map<String, String> slice, Set<String> reported, Set<String> suppressed) {
    if (slice.isEmpty()) {
      return SliceKeys.OVERALL;
    }
    List<String> all = new ArrayList<>(reported);
    all.addAll(suppressed);
    for (String key : all) {
      if (parse(key).equals(slice)) {
        return key;
      }
    }
    var sb = new StringBuilder();
    slice.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }

  static Map<String, String> parse(String key) {
    Map<String, String> m = new LinkedHashMap<>();
    if (key.equals(SliceKeys.OVERALL)) {
      return m;
    }
    for (String part : key.split(",")) {
      int eq = part.indexOf('=');
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  static String fmt(double v) {
    return String.format("%.6g", v);
  }
}
