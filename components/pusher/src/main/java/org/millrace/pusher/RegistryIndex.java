package org.millrace.pusher;

import java.util.List;

/** Content of {@code <base>/<model_name>/registry.json}: every version ever published, ascending. */
public record RegistryIndex(String modelName, List<RegistryEntry> versions) {
  public RegistryIndex {
    versions = List.copyOf(versions);
  }
}
