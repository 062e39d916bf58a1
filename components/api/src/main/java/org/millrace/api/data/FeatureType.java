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

  /** Parses a type name in any case; fails listing the valid names. */
  @com.fasterxml.jackson.annotation.JsonCreator
  public static FeatureType of(String name) {
    for (FeatureType t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("feature type expected one of [int, float, string, bool], got '" + name + "'");
  }

  /** Lower-case name as written in schema files. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
