package org.millrace.pipelines.spec;

/** How often a failing node is tried and how long to wait between tries (doubling each time). */
public record RetryPolicy(int maxAttempts, long initialBackoffMillis) {
  public static final RetryPolicy NONE = new RetryPolicy(1, 0);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry max_attempts expected at least 1, got " + maxAttempts);
    }
    if (initialBackoffMillis < 0) {
      throw new IllegalArgumentException("retry backoff_ms expected a non-negative number, got " + initialBackoffMillis);
    }
  }
}
