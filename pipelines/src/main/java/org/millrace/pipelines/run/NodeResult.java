package org.millrace.pipelines.run;

import java.util.List;
import java.util.Map;

/** One row of a run summary. {@code state} is an execution state or SKIPPED / NOT_SELECTED / REUSED. */
public record NodeResult(String node, String component, String state, long executionId, long durationMillis,
    Map<String, List<String>> outputUris, String error) {

  public boolean succeeded() {
    return state.equals("COMPLETE") || state.equals("CACHED") || state.equals("REUSED");
  }
}
