package org.millrace.ingest.beam;

/** What happens to a row that cannot be read or typed: {@code bad_rows} of ExampleGen. */
public enum BadRows {
  /** The run fails, naming the row's file, line, column and value. */
  FAIL,
  /** The row goes to the quarantine file with its file, line and reason; the run goes on. */
  QUARANTINE
}
