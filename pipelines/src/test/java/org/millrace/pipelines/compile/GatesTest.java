package org.millrace.pipelines.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.millrace.pipelines.spec.ChannelRef;
import org.millrace.pipelines.spec.NodeSpec;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.pipelines.spec.Resolver;

/**
 * A gate (a validator that fails on anomalies) is waited for by every node of the run that does
 * not feed it and reads the same data: the penguins pipeline's Transform, Trainer, Evaluator and
 * Pusher wait for its ExampleValidator; the nodes the validator reads, and a branch over other
 * data, do not.
 */
class GatesTest {
  private static NodeSpec node(String id, String... reads) {
    var inputs = new LinkedHashMap<String, List<ChannelRef>>();
    for (String r : reads) {
      inputs.put("in_" + r, List.of(new ChannelRef(r, "out", Resolver.NONE)));
    }
    return new NodeSpec(id, "C", "1", inputs, Map.of(), null, true);
  }

  private static Map<String, NodeSpec> penguinsAndAnotherBranch() {
    var nodes = new LinkedHashMap<String, NodeSpec>();
    for (NodeSpec n : List.of(node("ingest"), node("statistics", "ingest"), node("schema", "statistics"),
        node("validator", "statistics", "schema"), node("transform", "ingest", "schema"),
        node("trainer", "transform", "schema"), node("evaluator", "ingest", "trainer"),
        node("pusher", "trainer", "evaluator"), node("other"), node("other_use", "other"))) {
      nodes.put(n.id(), n);
    }
    return nodes;
  }

  private static final Set<String> DATA = Set.of("ingest", "other");

  private static Map<String, List<String>> after(Map<String, NodeSpec> gated) {
    var after = new LinkedHashMap<String, List<String>>();
    gated.forEach((id, n) -> after.put(id, n.after()));
    return after;
  }

  @Test
  void everyNodeThatDoesNotFeedTheValidatorWaitsForIt() {
    Map<String, NodeSpec> gated = PipelineCompiler.withGates(penguinsAndAnotherBranch(), Set.of("validator"), DATA);
    // One edge: the Trainer, the Evaluator and the Pusher wait through Transform.
    assertEquals(Map.of("ingest", List.of(), "statistics", List.of(), "schema", List.of(), "validator", List.of(),
        "transform", List.of("validator"), "trainer", List.of(), "evaluator", List.of(), "pusher", List.of(),
        "other", List.of(), "other_use", List.of()), after(gated));
    assertEquals(List.of("ingest", "schema", "validator"), gated.get("transform").upstream());
    var spec = new PipelineSpec("p", "root", List.of(), List.copyOf(gated.values()));
    for (String waits : List.of("transform", "trainer", "evaluator", "pusher")) {
      assertTrue(spec.downstreamOf("validator").contains(waits), waits);
    }
    // The gates travel with the spec (a run's stored spec, a resume's), and a node without one writes none.
    assertEquals(spec, PipelineSpec.fromJson(spec.toJson()));
    int written = spec.toJson().split("\"after\"", -1).length - 1;
    assertEquals(1, written, spec.toJson());
  }

  /**
   * Two data sets validated against one curated schema (an ImportSchemaGen, a node of no input that
   * writes no Examples): each validator gates its own branch only.
   */
  @Test
  void aSharedCuratedSchemaDoesNotJoinTwoBranches() {
    var nodes = new LinkedHashMap<String, NodeSpec>();
    for (NodeSpec n : List.of(node("curated"), node("ingest_a"), node("stats_a", "ingest_a"),
        node("validator_a", "stats_a", "curated"), node("transform_a", "ingest_a", "curated"), node("ingest_b"),
        node("stats_b", "ingest_b"), node("validator_b", "stats_b", "curated"), node("transform_b", "ingest_b",
            "curated"))) {
      nodes.put(n.id(), n);
    }
    var gated = PipelineCompiler.withGates(nodes, new java.util.LinkedHashSet<>(List.of("validator_a", "validator_b")),
        Set.of("ingest_a", "ingest_b"));
    assertEquals(List.of("validator_a"), gated.get("transform_a").after());
    assertEquals(List.of("validator_b"), gated.get("transform_b").after());
  }

  /**
   * A second validator, on the transformed data: Transform feeds it, so it does not wait for it, but
   * it still waits for the first (it was the first's gate that a pooled rule let Transform past);
   * the Trainer waits for both, and no cycle appears.
   */
  @Test
  void eachGateGatesWhatDoesNotFeedIt() {
    var nodes = penguinsAndAnotherBranch();
    nodes.put("stats_t", node("stats_t", "transform"));
    nodes.put("validator_t", node("validator_t", "stats_t", "schema"));
    var gated = PipelineCompiler.withGates(nodes, new java.util.LinkedHashSet<>(List.of("validator", "validator_t")),
        DATA);
    assertEquals(List.of("validator"), gated.get("transform").after());
    assertEquals(List.of("validator_t"), gated.get("trainer").after());
    var spec = new PipelineSpec("p", "root", List.of(), List.copyOf(gated.values()));
    assertTrue(spec.downstreamOf("validator_t").containsAll(List.of("trainer", "evaluator", "pusher")));
    assertTrue(!spec.downstreamOf("validator_t").contains("transform"));
  }

  @Test
  void withoutAGateNothingChanges() {
    var nodes = penguinsAndAnotherBranch();
    assertSame(nodes, PipelineCompiler.withGates(nodes, Set.of(), DATA));
  }
}
