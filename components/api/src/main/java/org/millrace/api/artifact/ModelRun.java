package org.millrace.api.artifact;

import java.util.Map;

/**
 * The history of one training run.
 *
 * <p>Layout: history.json (per-epoch loss and metrics) and index.html (curves); checkpoints/ with resumable state.
 */
public record ModelRun(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<ModelRun> TYPE = ArtifactType.of("ModelRun", ModelRun.class, ModelRun::new,
      "history.json (per-epoch loss and metrics) and index.html (curves); checkpoints/ with resumable state.");

  public ModelRun {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("ModelRun uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<ModelRun> type() {
    return TYPE;
  }
}
