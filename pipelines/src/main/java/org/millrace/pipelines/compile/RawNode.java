package org.millrace.pipelines.compile;

import java.util.List;
import java.util.Map;

/**
 * A node as written in YAML or built by the DSL, before checking. {@code positions} maps paths
 * such as {@code parameters.layers[2].units} to where they appear in the file.
 */
public record RawNode(
    String id,
    String component,
    Map<String, List<RawInput>> inputs,
    Map<String, Object> parameters,
    Integer maxAttempts,
    Long backoffMillis,
    Boolean cache,
    Map<String, Position> positions) {

  public RawNode {
    inputs = inputs == null ? Map.of() : inputs;
    parameters = parameters == null ? Map.of() : parameters;
    positions = positions == null ? Map.of() : positions;
  }

  Position at(String path) {
    for (String p = path; ; ) {
      Position pos = positions.get(p);
      if (pos != null) {
        return pos;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return positions.get("");
      }
      p = p.substring(0, cut);
    }
  }
}
