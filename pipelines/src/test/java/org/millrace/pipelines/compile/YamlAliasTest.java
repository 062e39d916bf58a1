package org.millrace.pipelines.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aliases in pipeline files: shared values work; recursive ones and alias bombs are compile errors. */
class YamlAliasTest {
  @Test
  void aSharedAliasIsExpanded() {
    RawPipeline p = YamlPipelineLoader.load("p.yaml", """
        pipeline: shared
        nodes:
          a: {component: X, parameters: &p {input: x.csv, split: {train: 2, eval: 1}}}
          b: {component: X, parameters: *p}
        """);
    assertEquals(p.nodes().get(0).parameters(), p.nodes().get(1).parameters());
    assertEquals(Map.of("train", 2L, "eval", 1L), p.nodes().get(1).parameters().get("split"));
  }

  @Test
  void aRecursiveAliasInAMappingIsAnErrorWithLineAndColumn() {
    var e = assertThrows(PipelineCompileException.class, () -> YamlPipelineLoader.load("p.yaml", """
        pipeline: recursive
        nodes:
          ingest:
            component: ExampleGen
            parameters: &p {input: x.csv, extra: *p}
        """));
    CompileError error = e.errors().get(0);
    assertEquals(new Position(5, 35), error.position(), error.toString());
    assertEquals("parameters.extra", error.key());
    assertTrue(error.message().contains("recursive alias") && error.message().contains("line 5, column 17"),
        error.message());
  }

  @Test
  void aRecursiveAliasInAListToo() {
    var e = assertThrows(PipelineCompileException.class, () -> YamlPipelineLoader.load("p.yaml", """
        pipeline: recursive
        nodes:
          ingest:
            component: ExampleGen
            parameters: {input: &l [a, [b, *l]]}
        """));
    assertEquals("parameters.input[1][1]", e.errors().get(0).key());
    assertTrue(e.errors().get(0).message().contains("recursive alias"), e.errors().get(0).message());
  }

  @Test
  void aRecursiveRuntimeParameterIsAUsageError() {
    var e = assertThrows(IllegalArgumentException.class, () -> YamlPipelineLoader.value("&p {a: *p}", "--set x.y"));
    assertTrue(e.getMessage().contains("--set x.y") && e.getMessage().contains("recursive alias"), e.getMessage());
  }

  @Test
  void aBillionLaughsFileStopsAtTheBound() {
    // 6 levels of 8 aliases each stand for 9 * 8^6 (2.4 million) values in 9 lines; SnakeYAML's own
    // limit on aliases (50) is not reached, so the expansion bound is what stops it.
    var yaml = new StringBuilder("pipeline: laughs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 6; i++) {
      yaml.append("l").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 8; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      yaml.append("]\n");
    }
    yaml.append("nodes:\n  ingest:\n    component: ExampleGen\n    parameters: {input: *l6}\n");
    var e = assertThrows(PipelineCompileException.class, () -> YamlPipelineLoader.load("laughs.yaml", yaml.toString()));
    String message = e.errors().get(0).message();
    assertTrue(message.contains("at most " + YamlPipelineLoader.MAX_EXPANDED_VALUES + " values once aliases are"
        + " expanded"), message);
    assertEquals("laughs.yaml", e.errors().get(0).file());
  }

  @Test
  void tooManyAliasesForSnakeYamlAreACompileErrorToo() {
    var yaml = new StringBuilder("pipeline: many\nx: &x [a]\nnodes:\n  n: {component: X, parameters: {v: [");
    for (int i = 0; i < 60; i++) {
      yaml.append(i == 0 ? "" : ", ").append("*x");
    }
    yaml.append("]}}\n");
    var e = assertThrows(PipelineCompileException.class, () -> YamlPipelineLoader.load("many.yaml", yaml.toString()));
    assertTrue(e.errors().get(0).message().contains("aliases"), e.errors().get(0).message());
  }

  @Test
  void valuesUpToTheBoundLoad() {
    var items = String.join(", ", java.util.Collections.nCopies(1000, "1"));
    RawPipeline p = YamlPipelineLoader.load("p.yaml", "pipeline: ok\nnodes:\n  n: {component: X, parameters: {v: ["
        + items + "]}}\n");
    assertEquals(1000, ((List<?>) p.nodes().get(0).parameters().get("v")).size());
  }
}
