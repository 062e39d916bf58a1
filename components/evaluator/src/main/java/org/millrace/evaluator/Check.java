package org.millrace.evaluator;

/**
 * One validation check and its numbers.
 *
 * @param kind {@code lower}, {@code upper}, {@code change_absolute}, {@code change_relative},
 *     or {@code always_bless}
 * @param observed the candidate's value (null when missing)
 * @param threshold the bound
 * @param baseline the baseline's value for change checks (null otherwise or when absent)
 * @param status {@code pass}, {@code fail} or {@code skipped}
 */
public record Check(String metric, String slice, String kind, Double observed, Double threshold, Double baseline,
    String status, String message) {

  public boolean failed() {
    return "fail".equals(status);
  }
}
