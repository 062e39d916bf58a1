package org.millrace.api.artifact;

import java.util.Map;

/**
 * Anomalies found by validating statistics against a schema, and drift/skew.
 *
 * <p>Layout: anomalies.json and anomalies.html; property anomaly_count.
 */
public record ExampleAnomalies(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<ExampleAnomalies> TYPE = ArtifactType.of("ExampleAnomalies", ExampleAnomalies.class, ExampleAnomalies::new,
      "anomalies.json and anomalies.html; property anomaly_count.");

  public ExampleAnomalies {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("ExampleAnomalies uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<ExampleAnomalies> type() {
    return TYPE;
  }
}
