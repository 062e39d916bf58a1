package org.millrace.pipelines.launch;

import java.util.List;
import java.util.Map;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ExecutionState;

/** How a node ended: its final state, execution, outputs by key, and the error if it failed. */
public record NodeOutcome(String node, ExecutionState state, long executionId, Map<String, List<Artifact>> outputs,
    String error, long durationMillis, int attempts) {

  public NodeOutcome {
    outputs = Map.copyOf(outputs);
  }

  public boolean succeeded() {
    return state == ExecutionState.COMPLETE || state == ExecutionState.CACHED;
  }
}
