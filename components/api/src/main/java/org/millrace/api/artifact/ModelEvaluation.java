package org.millrace.api.artifact;

import java.util.Map;

/**
 * Metrics of a candidate model (and its baseline) overall and per slice.
 *
 * <p>Layout: evaluation.json and index.html.
 */
public record ModelEvaluation(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<ModelEvaluation> TYPE = ArtifactType.of("ModelEvaluation", ModelEvaluation.class, ModelEvaluation::new,
      "evaluation.json and index.html.");

  public ModelEvaluation {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("ModelEvaluation uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<ModelEvaluation> type() {
    return TYPE;
  }
}
