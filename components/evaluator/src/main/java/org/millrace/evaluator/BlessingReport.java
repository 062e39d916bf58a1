package org.millrace.evaluator;

import java.nio.file.Path;
import org.millrace.api.artifact.Blessing.Check;
import org.millrace.api.artifact.Blessing;

/** Renders why a model was or was not blessed, as a plain-text table for the CLI. */
public final class BlessingReport {
  private BlessingReport() {}

  /** Reads {@code blessing.json} from a ModelBlessing directory and renders it. */
  public static String render(Path blessingDir) {
    return render(Blessing.read(blessingDir));
  }

  /** Renders a blessing. */
  public static String render(Blessing b) {
    var sb = new StringBuilder();
    sb.append(b.blessed() ? "BLESSED" : "NOT BLESSED").append(" (").append(b.decision()).append("): ")
        .append(b.reason()).append('\n');
    sb.append("model:    ").append(b.model()).append('\n');
    sb.append("baseline: ").append(b.baselineModel() == null ? "(none; first_run: " + b.firstRun() + ")"
        : b.baselineModel()).append('\n');
    if (b.checks().isEmpty()) {
      return sb.toString();
    }
    String fmt = "%-7s %-22s %-28s %-15s %12s %12s %12s  %s%n";
    sb.append(String.format(fmt, "STATUS", "METRIC", "SLICE", "CHECK", "OBSERVED", "THRESHOLD", "BASELINE", "DETAIL"));
    for (Check c : b.checks()) {
      sb.append(String.format(fmt, c.status().toUpperCase(), c.metric(), c.slice(), c.kind(), num(c.observed()),
          num(c.threshold()), num(c.baseline()), c.message()));
    }
    return sb.toString();
  }

  private static String num(Double v) {
    return v == null ? "-" : String.format("%.6g", v);
  }
}
