package org.millrace.pipelines.compile;

/** One problem found while compiling a pipeline: where it is and what was expected. */
public record CompileError(String file, Position position, String node, String key, String message) {

  @Override
  public String toString() {
    var sb = new StringBuilder();
    if (position != null && position.override() != null) {
      // A value from the command line, not the file: the error names the option.
      sb.append(position.override()).append(": ");
    } else if (file != null) {
      sb.append(file);
      if (position != null) {
        sb.append(':').append(position);
      }
      sb.append(": ");
    }
    if (node != null) {
      sb.append("node '").append(node).append("'");
      if (key != null) {
        sb.append(" ").append(key);
      }
      sb.append(": ");
    } else if (key != null) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }
}
