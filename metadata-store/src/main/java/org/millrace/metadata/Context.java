package org.millrace.metadata;

import java.time.Instant;
import java.util.Map;

/** A grouping of artifacts and executions: a pipeline, a pipeline run, a node. Unique by type and name. */
public record Context(Long id, String type, String name, Map<String, Value> properties, Instant createTime) {

  public Context {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("context type expected a registered type name, got '" + type + "'");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("context name expected text, got '" + name + "'");
    }
    properties = Map.copyOf(properties == null ? Map.of() : properties);
  }

  public static Context of(String type, String name) {
    return new Context(null, type, name, Map.of(), null);
  }

  public static Context of(String type, String name, Map<String, Value> properties) {
    return new Context(null, type, name, properties, null);
  }
}
