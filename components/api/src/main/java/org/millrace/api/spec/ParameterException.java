package org.millrace.api.spec;

/**
 * A parameter value a component cannot accept. {@link #path()} locates the value inside the
 * parameters (e.g. {@code layers[2].units}) so a YAML loader can point at its line and column.
 */
public final class ParameterException extends IllegalArgumentException {
  private final String path;

  public ParameterException(String path, String message) {
    super(message);
    this.path = path;
  }

  /** Dotted path of the offending parameter, empty for the parameters as a whole. */
  public String path() {
    return path;
  }

  /** What an error names: {@code parameter 'epochs'}, or {@code parameters} for the whole. */
  public String key() {
    return path.isEmpty() ? "parameters" : "parameter '" + path + "'";
  }

  /**
   * The message without a leading {@link #key()}, for a line that names the key before it ("node 'a'
   * parameter 'x': expected ...", not "parameter 'x': parameter 'x' expected ...").
   */
  public String detail() {
    String message = String.valueOf(getMessage());
    return !path.isEmpty() && message.startsWith(key() + " ") ? message.substring(key().length() + 1) : message;
  }
}
