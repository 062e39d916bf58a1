package org.millrace.pipelines.compile;

/**
 * Where a value was written: a 1-based line and column in a YAML file, or (when {@code override}
 * is set) the command-line option that replaced the file's value, such as {@code --set
 * trainer.epochs=2.9}.
 */
public record Position(int line, int column, String override) {
  public Position(int line, int column) {
    this(line, column, null);
  }

  /** The position of a value given by a command-line option rather than the file. */
  static Position override(String option) {
    return new Position(0, 0, option);
  }

  @Override
  public String toString() {
    return override != null ? override : line + ":" + column;
  }
}
