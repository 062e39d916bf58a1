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
}
