package org.millrace.api.artifact;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * An artifact type: its name in the metadata store, how to build the typed record from a stored
 * (uri, properties) pair, and its documented on-disk layout.
 *
 * @param <A> the record type
 */
public final class ArtifactType<A extends Artifact> {
  private final String name;
  private final Class<A> javaType;
  private final BiFunction<String, Map<String, Object>, A> factory;
  private final String layout;

  private ArtifactType(
      String name, Class<A> javaType, BiFunction<String, Map<String, Object>, A> factory, String layout) {
    this.name = Objects.requireNonNull(name, "name");
    this.javaType = Objects.requireNonNull(javaType, "javaType");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  /** Defines an artifact type. */
  public static <A extends Artifact> ArtifactType<A> of(
      String name, Class<A> javaType, BiFunction<String, Map<String, Object>, A> factory, String layout) {
    return new ArtifactType<>(name, javaType, factory, layout);
  }

  public String name() {
    return name;
  }

  public Class<A> javaType() {
    return javaType;
  }

  /** A human-readable description of the files under the artifact's URI. */
  public String layout() {
    return layout;
  }

  /** Builds the typed artifact from what the metadata store holds. */
  public A create(String uri, Map<String, Object> properties) {
    return factory.apply(uri, properties);
  }

  /** Checks that {@code artifact} is of this type, for resolved inputs. */
  public A cast(Artifact artifact) {
    if (!javaType.isInstance(artifact)) {
      throw new IllegalArgumentException(String.format(
          "artifact expected type %s, got %s at %s", name, artifact.type().name(), artifact.uri()));
    }
    return javaType.cast(artifact);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactType<?> t && t.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
