package org.millrace.api.format;

/**
 * One anomaly of {@code anomalies.json} ({@link Anomalies}): where (split, feature), what kind, what the
 * schema or threshold expected, what was seen.
 */
public record Anomaly(String split, String feature, Kind kind, String expected, String observed) {

  /** Kinds of anomaly. */
  public enum Kind {
    MISSING_FEATURE, NEW_FEATURE, TYPE_CHANGE, OUT_OF_DOMAIN, LOW_PRESENCE, OUT_OF_RANGE, DRIFT, SKEW
  }

  @Override
  public String toString() {
    return String.format("split %s, feature '%s': %s expected %s, got %s", split, feature, kind, expected, observed);
  }
}
