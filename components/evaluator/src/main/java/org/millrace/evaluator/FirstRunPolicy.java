package org.millrace.evaluator;

/** What to do with change thresholds when there is no baseline model (the first run). */
public enum FirstRunPolicy {
  /** Skip change thresholds (recorded as skipped checks); value thresholds still apply. */
  BLESS_IF_NO_BASELINE,
  /** Fail every change threshold: a model is only blessed against a baseline. */
  REQUIRE_BASELINE
}
