package org.millrace.api.artifact;

import java.util.Map;

/**
 * Predictions of a model over examples.
 *
 * <p>Layout: Split-&lt;name&gt;/part-NNNNN.arrow with the input columns and prediction columns.
 */
public record InferenceResult(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<InferenceResult> TYPE = ArtifactType.of("InferenceResult", InferenceResult.class, InferenceResult::new,
      "Split-<name>/part-NNNNN.arrow with the input columns and prediction columns.");

  public InferenceResult {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("InferenceResult uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<InferenceResult> type() {
    return TYPE;
  }
}
