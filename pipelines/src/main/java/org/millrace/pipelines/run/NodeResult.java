package org.millrace.pipelines.run;

import java.util.List;
import java.util.Map;

/**
 * One row of a run summary. {@code state} is an execution state or SKIPPED / NOT_SELECTED / REUSED;
 * {@code misconfigured}: the node failed on the pipeline's parameters (see {@code NodeOutcome});
 * {@code gate}: the node is a gate (a data validator others wait for), whose failure is a verdict on
 * the run's data that a resume, over the same data, would give again.
 */
public record NodeResult(String node, String component, String state, long executionId, long durationMillis,
    Map<String, List<String>> outputUris, String error, boolean misconfigured, boolean gate) {

  public NodeResult(String node, String component, String state, long executionId, long durationMillis,
      Map<String, List<String>> outputUris, String error) {
    this(node, component, state, executionId, durationMillis, outputUris, error, false, false);
  }

  public boolean succeeded() {
    return state.equals("COMPLETE") || state.equals("CACHED") || state.equals("REUSED");
  }
}
