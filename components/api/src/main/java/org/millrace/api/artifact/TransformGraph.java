package org.millrace.api.artifact;

import java.util.Map;

/**
 * A fitted preprocessing graph: ordered operations with fitted constants.
 *
 * <p>Layout: transform_graph.json (ordered operations, fitted constants, input and output schema, format version).
 */
public record TransformGraph(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<TransformGraph> TYPE = ArtifactType.of("TransformGraph", TransformGraph.class, TransformGraph::new,
      "transform_graph.json (ordered operations, fitted constants, input and output schema, format version).");

  public TransformGraph {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("TransformGraph uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<TransformGraph> type() {
    return TYPE;
  }
}
