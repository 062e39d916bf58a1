package org.millrace.api.artifact;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An artifact: the files under {@link #uri()} plus properties recorded in the metadata store.
 *
 * <p>Implementations are records named after the artifact type (e.g. {@link Examples}); each
 * documents its on-disk layout. Property values are {@code Long}, {@code Double}, {@code String}
 * or {@code Boolean}.
 */
public interface Artifact {

  /** Where the artifact's files live: a local path or a {@code file:} URI. */
  String uri();

  /** Properties recorded with the artifact (immutable). */
  Map<String, Object> properties();

  /** The artifact's type. */
  ArtifactType<?> type();

  /** The artifact's directory on the local filesystem. */
  default Path path() {
    String u = uri();
    return u.startsWith("file:") ? Path.of(URI.create(u)) : Path.of(u);
  }

  /** A string property, if present. */
  default Optional<String> stringProperty(String name) {
    Object v = properties().get(name);
    return v == null ? Optional.empty() : Optional.of(v.toString());
  }

  /** An integer property, if present; fails clearly when the stored value is not a number. */
  default Optional<Long> longProperty(String name) {
    Object v = properties().get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Number n) {
      return Optional.of(n.longValue());
    }
    throw new IllegalStateException(
        String.format("%s property '%s' expected an integer, got '%s' in %s", type().name(), name, v, uri()));
  }

  /** A floating-point property, if present. */
  default Optional<Double> doubleProperty(String name) {
    Object v = properties().get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Number n) {
      return Optional.of(n.doubleValue());
    }
    throw new IllegalStateException(
        String.format("%s property '%s' expected a number, got '%s' in %s", type().name(), name, v, uri()));
  }
}
