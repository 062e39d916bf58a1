package org.millrace.metadata;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** An artifact as stored: files at {@code uri} plus typed and custom properties. */
public record Artifact(
    Long id, String type, String uri, String name, ArtifactState state,
    Map<String, Value> properties, Map<String, Value> customProperties,
    Instant createTime, Instant updateTime) {

  public Artifact {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("artifact type expected a registered type name, got '" + type + "'");
    }
    if (uri == null) {
      throw new IllegalArgumentException("artifact uri expected a path or URI, got null");
    }
    state = state == null ? ArtifactState.PENDING : state;
    properties = Map.copyOf(properties == null ? Map.of() : properties);
    customProperties = Map.copyOf(customProperties == null ? Map.of() : customProperties);
  }

  /** A new (unsaved) artifact. */
  public static Artifact create(String type, String uri, ArtifactState state,
      Map<String, Value> properties, Map<String, Value> customProperties) {
    return new Artifact(null, type, uri, null, state, properties, customProperties, null, null);
  }

  public Artifact withId(long newId) {
    return new Artifact(newId, type, uri, name, state, properties, customProperties, createTime, updateTime);
  }

  public Artifact withState(ArtifactState newState) {
    return new Artifact(id, type, uri, name, newState, properties, customProperties, createTime, updateTime);
  }

  public Artifact withName(String newName) {
    return new Artifact(id, type, uri, newName, state, properties, customProperties, createTime, updateTime);
  }

  /** A property or custom property, typed properties first. */
  public Optional<Value> property(String key) {
    Value v = properties.get(key);
    return Optional.ofNullable(v != null ? v : customProperties.get(key));
  }
}
