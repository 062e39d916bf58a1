package org.millrace.api.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One feature of a {@link DataSchema}: name, type, nullability and shape, plus the optional
 * constraints that SchemaGen infers and ExampleValidator checks.
 *
 * @param name feature (column) name
 * @param type value type
 * @param nullable whether missing values are allowed
 * @param shape empty for scalars; e.g. {@code [784]} for a dense float32 vector
 * @param minPresence minimum fraction of rows with a value (0..1), or null for no constraint
 * @param domain allowed string values (categorical domain), or null for no constraint
 * @param min smallest allowed numeric value, or null
 * @param max largest allowed numeric value, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feature(
    String name, FeatureType type, boolean nullable,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> shape,
    Double minPresence, List<String> domain, Double min, Double max) implements java.io.Serializable {

  public Feature {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("feature name expected a non-empty string, got '" + name + "'");
    }
    if (type == null) {
      throw new IllegalArgumentException("feature '" + name + "' type expected one of int, float, string, bool, got nothing");
    }
    shape = shape == null ? List.of() : List.copyOf(shape);
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException("feature '" + name + "' shape expected positive sizes, got " + shape);
      }
    }
    if (!shape.isEmpty() && type != FeatureType.FLOAT) {
      throw new IllegalArgumentException(
          "feature '" + name + "' with shape " + shape + " expected type float, got " + type.label());
    }
    if (minPresence != null && (minPresence < 0 || minPresence > 1)) {
      throw new IllegalArgumentException(
          "feature '" + name + "' min_presence expected a fraction in [0, 1], got " + minPresence);
    }
    domain = domain == null ? null : List.copyOf(domain);
  }

  /** A scalar feature without constraints. */
  public static Feature of(String name, FeatureType type, boolean nullable) {
    return new Feature(name, type, nullable, List.of(), null, null, null, null);
  }

  /** A dense float32 vector feature. */
  public static Feature vector(String name, int width) {
    return new Feature(name, FeatureType.FLOAT, false, List.of(width), null, null, null, null);
  }

  /** Whether this is a dense float32 tensor rather than a scalar. */
  @JsonIgnore
  public boolean isVector() {
    return !shape.isEmpty();
  }

  /** Number of floats per row of a vector feature (1 for scalars). */
  @JsonIgnore
  public int width() {
    int w = 1;
    for (int d : shape) {
      w *= d;
    }
    return w;
  }

  /** This feature with a different nullability. */
  public Feature withNullable(boolean value) {
    return new Feature(name, type, value, shape, minPresence, domain, min, max);
  }
}
