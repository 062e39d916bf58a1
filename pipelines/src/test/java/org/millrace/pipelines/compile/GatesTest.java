package org.millrace.pipelines.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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

  @Test
  void everyNodeThatDoesNotFeedTheValidatorWaitsForIt() {
    Map<String, NodeSpec> gated = PipelineCompiler.withGates(penguinsAndAnotherBranch(), Set.of("validator"));
    var after = new LinkedHashMap<String, List<String>>();
    gated.forEach((id, n) -> after.put(id, n.after()));
    assertEquals(Map.of("ingest", List.of(), "statistics", List.of(), "schema", List.of(), "validator", List.of(),
        "transform", List.of("validator"), "trainer", List.of("validator"), "evaluator", List.of("validator"),
        "pusher", List.of("validator"), "other", List.of(), "other_use", List.of()), after);
    assertEquals(List.of("ingest", "schema", "validator"), gated.get("transform").upstream());
    // The gates travel with the spec (a run's stored spec, a resume's), and a node without one writes none.
    var spec = new PipelineSpec("p", "root", List.of(), List.copyOf(gated.values()));
    assertEquals(spec, PipelineSpec.fromJson(spec.toJson()));
    int written = spec.toJson().split("\"after\"", -1).length - 1;
    assertEquals(4, written, spec.toJson());
  }

  @Test
  void withoutAGateNothingChanges() {
    var nodes = penguinsAndAnotherBranch();
    assertSame(nodes, PipelineCompiler.withGates(nodes, Set.of()));
  }
}
