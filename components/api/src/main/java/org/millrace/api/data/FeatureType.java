package org.millrace.api.data;

/**
 * The value type of a feature. Scalars: INT is int64, FLOAT is float64, STRING is UTF-8, BOOL is
 * a bit. A FLOAT feature with a non-empty shape is a dense float32 tensor per row.
 */
public enum FeatureType {
  INT,
  FLOAT,
  STRING,
  BOOL;

  /** Lower-case name as written in schema files. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
