package org.millrace.pipelines.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled pipeline: nodes in a valid topological order, with everything a runner needs.
 * Serializes to JSON and back without loss.
 */
public record PipelineSpec(String name, String pipelineRoot, List<String> beamPipelineArgs, List<NodeSpec> nodes) {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  public PipelineSpec {
    beamPipelineArgs = List.copyOf(beamPipelineArgs);
    nodes = List.copyOf(nodes);
  }

  public Optional<NodeSpec> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  public List<String> nodeIds() {
    return nodes.stream().map(NodeSpec::id).toList();
  }

  /** Nodes that (transitively, within a run) depend on {@code id}, including itself. */
  public Set<String> downstreamOf(String id) {
    var out = new LinkedHashSet<String>();
    out.add(id);
    for (NodeSpec n : nodes) { // topological order: one pass suffices
      if (n.upstream().stream().anyMatch(out::contains)) {
        out.add(n.id());
      }
    }
    return out;
  }

  /** Nodes {@code id} (transitively) depends on within a run, including itself. */
  public Set<String> upstreamOf(String id) {
    var out = new LinkedHashSet<String>();
    var todo = new ArrayList<String>(List.of(id));
    while (!todo.isEmpty()) {
      String cur = todo.remove(todo.size() - 1);
      if (out.add(cur)) {
        node(cur).ifPresent(n -> todo.addAll(n.upstream()));
      }
    }
    return out;
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("BUG: pipeline spec not serializable", e);
    }
  }

  public static PipelineSpec fromJson(String json) {
    try {
      return JSON.readValue(json, PipelineSpec.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("pipeline spec expected valid JSON, got: " + e.getMessage(), e);
    }
  }
}
