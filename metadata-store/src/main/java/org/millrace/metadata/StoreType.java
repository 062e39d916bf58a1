package org.millrace.metadata;

import java.util.Map;
import java.util.TreeMap;

/**
 * An artifact, execution or context type: a name and its declared properties. Registering the
 * same name again with compatible properties is a no-op; new properties are added.
 */
public record StoreType(Long id, TypeKind kind, String name, Map<String, PropertyType> properties) {

  public StoreType {
    if (kind == null) {
      throw new IllegalArgumentException("type kind expected ARTIFACT, EXECUTION or CONTEXT, got null");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(kind.name().toLowerCase() + " type name expected text, got '" + name + "'");
    }
    properties = Map.copyOf(new TreeMap<>(properties == null ? Map.of() : properties));
  }

  public static StoreType artifact(String name, Map<String, PropertyType> properties) {
    return new StoreType(null, TypeKind.ARTIFACT, name, properties);
  }

  public static StoreType execution(String name, Map<String, PropertyType> properties) {
    return new StoreType(null, TypeKind.EXECUTION, name, properties);
  }

  public static StoreType context(String name, Map<String, PropertyType> properties) {
    return new StoreType(null, TypeKind.CONTEXT, name, properties);
  }
}
