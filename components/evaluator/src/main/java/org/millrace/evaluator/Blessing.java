package org.millrace.evaluator;

import java.util.List;

/**
 * The outcome of validation, as written to {@code blessing.json}.
 *
 * @param decision {@code evaluator} or {@code manual}
 */
public record Blessing(boolean blessed, String model, String baselineModel, String firstRun, String decision,
    String reason, List<Check> checks) {

  public Blessing {
    checks = List.copyOf(checks);
  }

  /** The checks that failed. */
  public List<Check> failedChecks() {
    return checks.stream().filter(Check::failed).toList();
  }
}
