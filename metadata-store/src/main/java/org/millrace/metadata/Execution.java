package org.millrace.metadata;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A run of a component (or a manual decision) as stored. */
public record Execution(
    Long id, String type, String name, ExecutionState state,
    Map<String, Value> properties, Map<String, Value> customProperties,
    Instant createTime, Instant updateTime) {

  public Execution {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("execution type expected a registered type name, got '" + type + "'");
    }
    state = state == null ? ExecutionState.NEW : state;
    properties = Map.copyOf(properties == null ? Map.of() : properties);
    customProperties = Map.copyOf(customProperties == null ? Map.of() : customProperties);
  }

  public static Execution create(String type, ExecutionState state, Map<String, Value> properties,
      Map<String, Value> customProperties) {
    return new Execution(null, type, null, state, properties, customProperties, null, null);
  }

  public Execution withId(long newId) {
    return new Execution(newId, type, name, state, properties, customProperties, createTime, updateTime);
  }

  public Execution withState(ExecutionState newState) {
    return new Execution(id, type, name, newState, properties, customProperties, createTime, updateTime);
  }

  public Execution withName(String newName) {
    return new Execution(id, type, newName, state, properties, customProperties, createTime, updateTime);
  }

  /** This execution with more custom properties (overwriting same keys). */
  public Execution withCustomProperties(Map<String, Value> more) {
    var merged = new java.util.HashMap<>(customProperties);
    merged.putAll(more);
    return new Execution(id, type, name, state, properties, merged, createTime, updateTime);
  }

  public Optional<Value> property(String key) {
    Value v = properties.get(key);
    return Optional.ofNullable(v != null ? v : customProperties.get(key));
  }
}
