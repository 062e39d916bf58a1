package org.millrace.pipelines.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;

/** The components on the classpath, found through {@link ComponentProvider} services, by type name. */
public final class ComponentRegistry {
  private final Map<String, ComponentSpec<?>> byType;

  public ComponentRegistry(List<ComponentSpec<?>> components) {
    var map = new TreeMap<String, ComponentSpec<?>>();
    for (ComponentSpec<?> c : components) {
      if (map.put(c.type(), c) != null) {
        throw new IllegalStateException("component type expected to be unique, got '" + c.type()
            + "' registered twice. Check the ComponentProvider services on the classpath.");
      }
    }
    this.byType = map;
  }

  /** Every component registered through ServiceLoader. */
  public static ComponentRegistry load() {
    var all = new ArrayList<ComponentSpec<?>>();
    for (ComponentProvider p : ServiceLoader.load(ComponentProvider.class)) {
      all.addAll(p.components());
    }
    return new ComponentRegistry(all);
  }

  public Optional<ComponentSpec<?>> find(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  public ComponentSpec<?> get(String type) {
    return find(type).orElseThrow(() -> new IllegalArgumentException(
        "component expected one of " + types() + ", got '" + type + "'"));
  }

  public List<String> types() {
    return List.copyOf(byType.keySet());
  }
}
