package org.millrace.pipelines.compile;

/** A 1-based line and column in a YAML file. */
public record Position(int line, int column) {
  @Override
  public String toString() {
    return line + ":" + column;
  }
}
