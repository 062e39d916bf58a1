package org.millrace.api.artifact;

import java.util.Map;

/**
 * A reviewed or inferred data schema: feature types, presence, value domains and ranges.
 *
 * <p>Layout: schema.yaml (the DatasetSchema YAML format of org.millrace.api.data).
 */
public record Schema(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<Schema> TYPE = ArtifactType.of("Schema", Schema.class, Schema::new,
      "schema.yaml (the DatasetSchema YAML format of org.millrace.api.data).");

  public Schema {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("Schema uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<Schema> type() {
    return TYPE;
  }
}
