package org.millrace.evaluator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Decides the blessing from the candidate's and baseline's overall metrics and the parameters. */
public final class Blessing {
  private Blessing() {}

  /** The decision and every check behind it. */
  public record Decision(boolean blessed, List<Check> checks, String summary) {}

  public static Decision decide(EvaluatorParams p, Map<String, Double> candidate, Map<String, Double> baseline) {
    var checks = new ArrayList<Check>();
    if (p.alwaysBless() && p.thresholds().isEmpty() && p.changeThresholds().isEmpty()) {
      return new Decision(true, checks, "blessed: always_bless is set and no thresholds are configured");
    }
    p.thresholds().forEach((metric, t) -> {
      Double v = candidate.get(metric);
      if (v == null) {
        checks.add(new Check(metric, Slices.OVERALL, "value", describe(t), null, null, false,
            "metric '" + metric + "' expected one of " + candidate.keySet() + ", got no such metric"));
        return;
      }
      boolean ok = (t.lower() == null || v >= t.lower()) && (t.upper() == null || v <= t.upper());
      checks.add(new Check(metric, Slices.OVERALL, "value", describe(t), v, null, ok,
          String.format("%s expected %s, got %.6f", metric, describe(t), v)));
    });
    if (!p.changeThresholds().isEmpty() && baseline == null) {
      boolean ok = p.firstRun() == EvaluatorParams.FirstRun.BLESS_IF_NO_BASELINE;
      checks.add(new Check("*", Slices.OVERALL, "baseline", "a blessed baseline model", null, null, ok, ok
          ? "no baseline model yet: change thresholds skipped (first_run: bless_if_no_baseline)"
          : "change thresholds expected a blessed baseline model, got none (first_run: require_baseline)"));
    } else {
      p.changeThresholds().forEach((metric, t) -> {
        Double v = candidate.get(metric);
        Double b = baseline.get(metric);
        if (v == null || b == null) {
          checks.add(new Check(metric, Slices.OVERALL, "change", describe(t), v, b, false,
              "metric '" + metric + "' expected on both models, got candidate " + v + ", baseline " + b));
          return;
        }
        double diff = t.higherIsBetter() ? v - b : b - v;
        double rel = b == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY * Math.signum(diff)) : diff / Math.abs(b);
        boolean ok = (t.absolute() == null || diff >= t.absolute()) && (t.relative() == null || rel >= t.relative());
        checks.add(new Check(metric, Slices.OVERALL, "change", describe(t), v, b, ok, String.format(
            "%s expected %s vs the baseline, got %.6f vs %.6f (change %+.6f)", metric, describe(t), v, b, v - b)));
      });
    }
    boolean blessed = checks.stream().allMatch(Check::passed);
    long failed = checks.stream().filter(c -> !c.passed()).count();
    return new Decision(blessed, checks, blessed ? "blessed: all " + checks.size() + " checks passed"
        : "not blessed: " + failed + " of " + checks.size() + " checks failed");
  }

  static String describe(EvaluatorParams.ValueThreshold t) {
    return t.lower() != null && t.upper() != null ? "in [" + t.lower() + ", " + t.upper() + "]"
        : t.lower() != null ? ">= " + t.lower() : "<= " + t.upper();
  }

  static String describe(EvaluatorParams.ChangeThreshold t) {
    var parts = new ArrayList<String>();
    String dir = t.higherIsBetter() ? "higher is better" : "lower is better";
    if (t.absolute() != null) {
      parts.add("improvement >= " + t.absolute());
    }
    if (t.relative() != null) {
      parts.add("relative improvement >= " + t.relative());
    }
    return String.join(" and ", parts) + " (" + dir + ")";
  }

  /** A text table of the checks, for the CLI and logs. */
  public static String table(Decision d) {
    var sb = new StringBuilder(d.summary()).append('\n');
    sb.append(String.format("  %-4s  %-22s  %-8s  %-12s  %-12s  %s%n", "", "metric", "kind", "observed", "baseline",
        "threshold"));
    for (Check c : d.checks()) {
      sb.append(String.format("  %-4s  %-22s  %-8s  %-12s  %-12s  %s%n", c.passed() ? "ok" : "FAIL", c.metric(),
          c.kind(), c.observed() == null ? "-" : String.format("%.6f", c.observed()),
          c.baseline() == null ? "-" : String.format("%.6f", c.baseline()), c.threshold()));
    }
    return sb.toString();
  }
}
