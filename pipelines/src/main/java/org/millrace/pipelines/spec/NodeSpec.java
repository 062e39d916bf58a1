package org.millrace.pipelines.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a compiled pipeline: the component it runs, its input channels by key, its bound
 * parameters in canonical form, its retry and cache policy, and the gates it runs after (nodes
 * whose success it waits for without reading their outputs: a data validator's verdict).
 */
public record NodeSpec(
    String id,
    String component,
    String executorVersion,
    Map<String, List<ChannelRef>> inputs,
    Map<String, Object> parameters,
    RetryPolicy retry,
    boolean cache,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> after) {

  public NodeSpec {
    var in = new LinkedHashMap<String, List<ChannelRef>>();
    inputs.forEach((k, v) -> in.put(k, List.copyOf(v)));
    inputs = java.util.Collections.unmodifiableMap(in);
    parameters = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(parameters));
    retry = retry == null ? RetryPolicy.NONE : retry;
    after = after == null ? List.of() : List.copyOf(after);
  }

  /** A node that runs after no gate. */
  public NodeSpec(String id, String component, String executorVersion, Map<String, List<ChannelRef>> inputs,
      Map<String, Object> parameters, RetryPolicy retry, boolean cache) {
    this(id, component, executorVersion, inputs, parameters, retry, cache, List.of());
  }

  /** This node, run after the gates {@code after} too. */
  public NodeSpec withAfter(List<String> after) {
    return new NodeSpec(id, component, executorVersion, inputs, parameters, retry, cache, after);
  }

  /** Nodes this node needs to have run (and succeeded) first in the same run: its inputs' and its gates. */
  public List<String> upstream() {
    return java.util.stream.Stream.concat(inputs.values().stream().flatMap(List::stream).filter(ChannelRef::sameRun)
        .map(ChannelRef::node), after.stream()).distinct().toList();
  }
}
