package org.millrace.pipelines.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.millrace.pipelines.dsl.Pipeline;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.pipelines.spec.Resolver;
import org.millrace.pipelines.testing.TestComponents;

class PipelineCompilerTest {
  static final ComponentRegistry REGISTRY = new ComponentRegistry(new TestComponents().components());

  static PipelineSpec compile(String yaml) {
    return new PipelineCompiler(REGISTRY).compile(YamlPipelineLoader.load("p.yaml", yaml));
  }

  static List<String> errors(String yaml) {
    var e = assertThrows(PipelineCompileException.class, () -> compile(yaml));
    return e.errors().stream().map(CompileError::toString).toList();
  }

  static final String GOOD = """
      pipeline: demo
      pipeline_root: out/demo
      beam_pipeline_args: ["--runner=DirectRunner"]
      nodes:
        consume:
          component: Consume
          inputs:
            data: produce.data
            extra: {from: produce.data, resolver: previous}
          retry: {max_attempts: 3, backoff_ms: 10}
        produce:
          component: Produce
          parameters: {value: hello, sleep_ms: 5}
          cache: false
      """;

  @Test
  void compilesInTopologicalOrderAndRoundTripsAsJson() {
    PipelineSpec spec = compile(GOOD);
    assertEquals(List.of("produce", "consume"), spec.nodeIds());
    var consume = spec.node("consume").orElseThrow();
    assertEquals(Resolver.PREVIOUS, consume.inputs().get("extra").get(0).resolver());
    assertEquals(3, consume.retry().maxAttempts());
    assertEquals(false, spec.node("produce").orElseThrow().cache());
    assertEquals(5L, ((Number) spec.node("produce").orElseThrow().parameters().get("sleep_ms")).longValue());
    assertEquals(spec.toJson(), PipelineSpec.fromJson(spec.toJson()).toJson());
    assertEquals(spec, PipelineSpec.fromJson(spec.toJson()));
  }

  @Test
  void dslCompilesToTheSameSpecAsYaml() {
    var p = Pipeline.builder("demo").root("out/demo").beamArgs(List.of("--runner=DirectRunner"));
    var produce = p.node("produce", TestComponents.PRODUCE, new TestComponents.ProduceParams("hello", 5L)).cache(false);
    p.node("consume", TestComponents.CONSUME, new TestComponents.ConsumeParams(null))
        .input(TestComponents.IN, produce.output(TestComponents.DATA))
        .input(TestComponents.EXTRA, produce.output(TestComponents.DATA), Resolver.PREVIOUS)
        .retry(3, 10);
    // p.node(...).input(TestComponents.IN, consumeNode.output(TestComponents.RESULT)) would not compile:
    // RESULT is a Channel<Model> and IN an InputKey<Examples>.
    assertEquals(compile(GOOD), p.build());
  }

  /**
   * Parameters given to the DSL as YAML gives them bind as YAML's do, and a bad one fails naming the
   * node and the parameter (a record built by hand fails in its constructor, naming neither).
   */
  @Test
  void dslParametersGivenAsYamlAreBoundAndNameTheNode() {
    var p = Pipeline.builder("demo").root("out/demo").beamArgs(List.of("--runner=DirectRunner"));
    var e = assertThrows(IllegalArgumentException.class, () -> p.node("produce", TestComponents.PRODUCE,
        java.util.Map.of("value", "hello", "sleep_ms", -1)));
    assertEquals("node 'produce' parameter 'sleep_ms': sleep_ms expected a non-negative number, got -1", e.getMessage());
    var produce = p.node("produce", TestComponents.PRODUCE, java.util.Map.of("value", "hello", "sleep_ms", 5)).cache(false);
    p.node("consume", TestComponents.CONSUME, java.util.Map.of())
        .input(TestComponents.IN, produce.output(TestComponents.DATA))
        .input(TestComponents.EXTRA, produce.output(TestComponents.DATA), Resolver.PREVIOUS)
        .retry(3, 10);
    assertEquals(compile(GOOD), p.build());
  }

  @Test
  void unknownComponentListsKnownOnes() {
    assertEquals(List.of("p.yaml:4:16: node 'a' component: expected one of [Annotate, Consume, Crash, Doom, Flaky, Produce, ReadNote, Relay], got 'Nope'"),
        errors("""
            pipeline: demo
            nodes:
              a:
                component: Nope
            """));
  }

  @Test
  void inputErrorsNameNodeKeyAndPosition() {
    assertEquals(List.of(
        "p.yaml:9:13: node 'b' input 'data': expected a channel of an existing node [a, b, c, d, e], got unknown node 'zz'",
        "p.yaml:10:14: node 'b' input 'bogus': expected one of the inputs of Consume [data, extra], got an unknown input",
        "p.yaml:13:20: node 'c' input 'data': expected an output of node 'a' (Produce) [data], got unknown output 'nope'",
        "p.yaml:16:20: node 'd' input 'data': expected a channel of type Examples, got b.result of type Model",
        "p.yaml:19:13: node 'e' input 'data': expected a channel of type Examples (required), got none"),
        errors("""
            pipeline: demo
            nodes:
              a:
                component: Produce
                parameters: {value: x}
              b:
                component: Consume
                inputs:
                  data: zz.data
                  bogus: a.data
              c:
                component: Consume
                inputs: {data: a.nope}
              d:
                component: Consume
                inputs: {data: b.result}
              e:
                component: Consume
                inputs: {}
            """));
  }

  @Test
  void parameterErrorsPointAtTheValue() {
    assertEquals(List.of(
        "p.yaml:5:38: node 'a' parameter 'sleep_ms': expected an integer, got 'soon'",
        "p.yaml:8:34: node 'b' parameter 'valu': expected one of [sleep_ms, value], got an unknown"
            + " parameter (did you mean 'value'?)",
        "p.yaml:11:38: node 'c' parameter 'sleep_ms': sleep_ms expected a non-negative number, got -1"),
        errors("""
            pipeline: demo
            nodes:
              a:
                component: Produce
                parameters: {value: x, sleep_ms: soon}
              b:
                component: Produce
                parameters: {value: x, valu: y}
              c:
                component: Produce
                parameters: {value: x, sleep_ms: -1}
            """));
  }

  @Test
  void anOverriddenValueIsBlamedOnItsOptionNotOnTheFile() {
    var raw = YamlPipelineLoader.load("p.yaml", """
        pipeline: demo
        nodes:
          a:
            component: Produce
            parameters: {value: x, sleep_ms: 5}
          b:
            component: Produce
            parameters: {value: x, sleep_ms: 2.5}
        """);
    var e = assertThrows(PipelineCompileException.class, () -> new PipelineCompiler(REGISTRY).compile(
        Overrides.apply(raw, List.of(Overrides.parse("a.sleep_ms=2.9")))));
    assertEquals(List.of(
        "--set a.sleep_ms=2.9: node 'a' parameter 'sleep_ms': expected an integer, got '2.9'",
        "p.yaml:8:38: node 'b' parameter 'sleep_ms': expected an integer, got '2.5'"),
        e.errors().stream().map(CompileError::toString).toList());
    // One a command sets itself (a backfill's span, --trainer-backend) is named as such.
    var own = assertThrows(PipelineCompileException.class, () -> new PipelineCompiler(REGISTRY).compile(
        Overrides.apply(raw, List.of(new Overrides.Set("a", "sleep_ms", "soon")))));
    assertEquals("a.sleep_ms=soon (set by the command's options): node 'a' parameter 'sleep_ms': expected an"
        + " integer, got 'soon'", own.errors().get(0).toString());
  }

  @Test
  void cyclesAreNamed() {
    assertEquals(List.of("p.yaml:6:3: node 'b': expected the nodes to form no cycle, got b -> a -> b"),
        errors("""
            pipeline: demo
            nodes:
              a:
                component: Relay
                inputs: {data: b.relayed}
              b:
                component: Relay
                inputs: {data: a.relayed}
            """));
  }

  @Test
  void structuralMistakesAreReportedTogether() {
    assertEquals(List.of(
        "p.yaml:5:5: node 'a' retries: expected one of [cache, component, inputs, parameters, retry], got an unknown key",
        "p.yaml:6:12: node 'a' cache: expected true or false, got 'maybe'",
        "p.yaml:7:1: pipelin: expected one of [beam_pipeline_args, nodes, pipeline, pipeline_root], got an unknown key",
        "p.yaml:1:1: pipeline: expected a pipeline name, got none"),
        errors("""
            nodes:
            pipelin: demo
            """.replace("nodes:\n", "nodes:\n  a:\n    component: Produce\n    parameters: {value: x}\n    retries: 2\n"
            + "    cache: maybe\n")));
  }

  @Test
  void yamlSyntaxErrorsHaveAPosition() {
    assertEquals(List.of("p.yaml:3:7: expected valid YAML, got mapping values are not allowed here (a key indented"
        + " deeper than the key above it, or a value holding ': ' that needs quotes)"),
        errors("pipeline: demo\nnodes:\n  a: b: c\n"));
    assertEquals(List.of("p.yaml:5:4: expected valid YAML, got expected <block end>, but found '<block mapping start>'"
        + " (a key indented less than the keys beside it: the keys of one mapping start in the same column)"),
        errors("pipeline: p\nnodes:\n  ingest:\n    component: Produce\n   parameters: {value: x}\n"));
  }
}
