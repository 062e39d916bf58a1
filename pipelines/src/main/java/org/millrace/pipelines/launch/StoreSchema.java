package org.millrace.pipelines.launch;

import java.util.Map;
import org.millrace.api.artifact.ArtifactType;
import org.millrace.api.artifact.ArtifactTypes;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.PropertyType;
import org.millrace.metadata.StoreType;

/** Registers the types millrace writes: every artifact type, execution types, and the contexts. */
public final class StoreSchema {
  private StoreSchema() {}

  public static void register(MetadataStore store) {
    for (ArtifactType<?> t : ArtifactTypes.all()) {
      store.putType(StoreType.artifact(t.name(), Map.of()));
    }
    store.putType(StoreType.context(Keys.PIPELINE_CONTEXT, Map.of()));
    store.putType(StoreType.context(Keys.RUN_CONTEXT, Map.of(Keys.SPEC, PropertyType.STRUCT, Keys.STARTED_MS, PropertyType.INT,
        Keys.SELECTED_NODES, PropertyType.STRING, Keys.CACHE_DISABLED, PropertyType.INT, Liveness.PID, PropertyType.INT,
        Liveness.HOST, PropertyType.STRING, Liveness.PROCESS_START_MS, PropertyType.INT, Keys.ENDED_MS, PropertyType.INT)));
    store.putType(StoreType.context(Keys.NODE_CONTEXT, Map.of()));
  }

  /** Registers the artifact types a component's inputs and outputs declare (a custom component's own among them). */
  public static void registerArtifactTypes(MetadataStore store, org.millrace.api.spec.ComponentSpec<?> component) {
    var types = new java.util.LinkedHashSet<String>();
    component.inputs().forEach(k -> types.add(k.type().name()));
    component.outputs().forEach(k -> types.add(k.type().name()));
    for (String t : types) {
      if (ArtifactTypes.byName(t).isEmpty()) {
        store.putType(StoreType.artifact(t, Map.of()));
      }
    }
  }

  public static void registerExecutionType(MetadataStore store, String component) {
    store.putType(StoreType.execution(component, Map.of()));
  }
}
