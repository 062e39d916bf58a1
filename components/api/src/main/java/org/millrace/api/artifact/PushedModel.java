package org.millrace.api.artifact;

import java.util.Map;

/**
 * A model version published to a model registry.
 *
 * <p>Layout: the registry directory &lt;base&gt;/&lt;model_name&gt;/&lt;version&gt;/; properties pushed (1/0), pushed_version, pushed_destination.
 */
public record PushedModel(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<PushedModel> TYPE = ArtifactType.of("PushedModel", PushedModel.class, PushedModel::new,
      "the registry directory <base>/<model_name>/<version>/; properties pushed (1/0), pushed_version, pushed_destination.");

  public PushedModel {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("PushedModel uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<PushedModel> type() {
    return TYPE;
  }
}
