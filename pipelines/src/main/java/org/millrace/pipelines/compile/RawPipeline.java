package org.millrace.pipelines.compile;

import java.util.List;
import java.util.Map;

/** A pipeline as written, before checking; {@code file} is null for the DSL. */
public record RawPipeline(
    String file, String name, String pipelineRoot, List<String> beamPipelineArgs, List<RawNode> nodes,
    Map<String, Position> positions) {

  public RawPipeline {
    beamPipelineArgs = beamPipelineArgs == null ? List.of() : List.copyOf(beamPipelineArgs);
    nodes = List.copyOf(nodes);
    positions = positions == null ? Map.of() : positions;
  }
}
