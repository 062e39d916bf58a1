package org.millrace.api.artifact;

import java.util.Map;

/**
 * A trained model.
 *
 * <p>Layout: model.json (architecture, signature over raw features, embedded transform graph, provenance) and model.safetensors.
 */
public record Model(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<Model> TYPE = ArtifactType.of("Model", Model.class, Model::new,
      "model.json (architecture, signature over raw features, embedded transform graph, provenance) and model.safetensors.");

  public Model {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("Model uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<Model> type() {
    return TYPE;
  }
}
