package org.millrace.pipelines.run;

import java.util.List;

/** The outcome of a pipeline run. */
public record RunResult(String pipeline, String runId, List<NodeResult> nodes, long durationMillis) {

  public RunResult {
    nodes = List.copyOf(nodes);
  }

  public boolean succeeded() {
    return nodes.stream().allMatch(n -> n.succeeded() || n.state().equals("NOT_SELECTED"));
  }

  public NodeResult node(String id) {
    return nodes.stream().filter(n -> n.node().equals(id)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("node expected one of " + nodes.stream().map(NodeResult::node).toList()
            + ", got '" + id + "'"));
  }
}
