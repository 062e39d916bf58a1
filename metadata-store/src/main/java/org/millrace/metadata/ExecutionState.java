package org.millrace.metadata;

/** Lifecycle of an execution. */
public enum ExecutionState {
  NEW,
  RUNNING,
  COMPLETE,
  FAILED,
  CACHED,
  CANCELED;

  /** Whether the execution has ended. */
  public boolean isFinal() {
    return this == COMPLETE || this == FAILED || this == CACHED || this == CANCELED;
  }
}
