package org.millrace.ingest.beam;

/** What happens to a row whose label is missing: {@code missing_label} of ExampleGen. */
public enum MissingLabel {
  /** The run fails, naming the row's file and line. */
  FAIL,
  /** The row is left out and counted. */
  DROP,
  /** The row goes to the quarantine file with its file and line, counted apart from bad rows. */
  QUARANTINE
}
