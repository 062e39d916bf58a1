package org.millrace.pipelines.launch;

import java.util.List;
import java.util.Map;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ExecutionState;

/**
 * How a node ended: its final state, execution, outputs by key, the error if it failed, and whether
 * that error is the pipeline's parameters' ({@code misconfigured}: a resume, which reruns the run's
 * parameters as they were, fails again; the file must be fixed and run).
 */
public record NodeOutcome(String node, ExecutionState state, long executionId, Map<String, List<Artifact>> outputs,
    String error, long durationMillis, int attempts, boolean misconfigured) {

  public NodeOutcome {
    outputs = Map.copyOf(outputs);
  }

  public NodeOutcome(String node, ExecutionState state, long executionId, Map<String, List<Artifact>> outputs,
      String error, long durationMillis, int attempts) {
    this(node, state, executionId, outputs, error, durationMillis, attempts, false);
  }

  public boolean succeeded() {
    return state == ExecutionState.COMPLETE || state == ExecutionState.CACHED;
  }
}
