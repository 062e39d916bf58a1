package org.millrace.api.artifact;

import java.util.Map;

/**
 * Per split and feature statistics of an Examples artifact.
 *
 * <p>Layout: Split-&lt;name&gt;/statistics.json per split and index.html (a self-contained page with histograms).
 */
public record ExampleStatistics(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<ExampleStatistics> TYPE = ArtifactType.of("ExampleStatistics", ExampleStatistics.class, ExampleStatistics::new,
      "Split-<name>/statistics.json per split and index.html (a self-contained page with histograms).");

  public ExampleStatistics {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("ExampleStatistics uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<ExampleStatistics> type() {
    return TYPE;
  }
}
