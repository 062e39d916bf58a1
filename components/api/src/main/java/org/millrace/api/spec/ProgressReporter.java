package org.millrace.api.spec;

/** Progress of a long step, shown by the CLI as a progress bar. Implementations are thread-safe. */
public interface ProgressReporter extends AutoCloseable {

  /** A reporter that shows nothing. */
  ProgressReporter NONE = new ProgressReporter() {
    @Override
    public void advance(long units) {}

    @Override
    public void close() {}
  };

  /** Reports {@code units} more done. */
  void advance(long units);

  /** Ends the step. */
  @Override
  void close();
}
