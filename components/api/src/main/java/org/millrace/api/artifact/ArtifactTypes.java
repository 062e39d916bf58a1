package org.millrace.api.artifact;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of the built-in artifact types, by name. */
public final class ArtifactTypes {
  private static final List<ArtifactType<?>> ALL = List.of(
      Examples.TYPE, ExampleStatistics.TYPE, Schema.TYPE, ExampleAnomalies.TYPE, TransformGraph.TYPE,
      Model.TYPE, ModelRun.TYPE, ModelEvaluation.TYPE, ModelBlessing.TYPE, PushedModel.TYPE,
      InferenceResult.TYPE);
  private static final Map<String, ArtifactType<?>> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ArtifactType::name, Function.identity()));

  private ArtifactTypes() {}

  /** Every built-in type. */
  public static List<ArtifactType<?>> all() {
    return ALL;
  }

  /** The type with this name, if built in. */
  public static Optional<ArtifactType<?>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Rebuilds a typed artifact from its stored type name, uri and properties. */
  public static Artifact create(String typeName, String uri, Map<String, Object> properties) {
    ArtifactType<?> type = byName(typeName).orElseThrow(() -> new IllegalArgumentException(String.format(
        "artifact type expected one of %s, got '%s' for %s", BY_NAME.keySet().stream().sorted().toList(),
        typeName, uri)));
    return type.create(uri, properties);
  }
}
