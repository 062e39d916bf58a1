package org.millrace.pipelines.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a compiled pipeline: the component it runs, its input channels by key, its bound
 * parameters in canonical form, and its retry and cache policy.
 */
public record NodeSpec(
    String id,
    String component,
    String executorVersion,
    Map<String, List<ChannelRef>> inputs,
    Map<String, Object> parameters,
    RetryPolicy retry,
    boolean cache) {

  public NodeSpec {
    var in = new LinkedHashMap<String, List<ChannelRef>>();
    inputs.forEach((k, v) -> in.put(k, List.copyOf(v)));
    inputs = java.util.Collections.unmodifiableMap(in);
    parameters = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(parameters));
    retry = retry == null ? RetryPolicy.NONE : retry;
  }

  /** Nodes this node needs to have run first in the same run. */
  public List<String> upstream() {
    return inputs.values().stream().flatMap(List::stream).filter(ChannelRef::sameRun)
        .map(ChannelRef::node).distinct().toList();
  }
}
