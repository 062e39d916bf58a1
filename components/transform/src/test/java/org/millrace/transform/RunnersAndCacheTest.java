package org.millrace.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.Batch;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.transform.spec.TransformParams;

class RunnersAndCacheTest {

  @Test
  void sparkRunnerFitsTheSameGraphAsDirectRunner(@TempDir Path dir) throws Exception {
    Examples ex = TestData.penguinsExamples(dir.resolve("raw"));
    TransformParams params = TestData.penguinsParams();
    TransformExecutorTest.run(dir.resolve("direct"), List.of(ex), params, List.of("--runner=DirectRunner"));
    TransformExecutorTest.run(dir.resolve("spark"), List.of(ex), params,
        List.of("--runner=SparkRunner", "--sparkMaster=local[2]"));
    String direct = Files.readString(dir.resolve("direct/graph/transform_graph.json"));
    String spark = Files.readString(dir.resolve("spark/graph/transform_graph.json"));
    assertEquals(direct, spark);
  }

  /** Phase-0-only spec: every analyzer reads raw values, so per-span state is reusable. */
  static final String CACHEABLE = """
      label: {feature: species}
      analyzer_cache_dir: %s
      features:
        - {feature: culmen_length_mm, ops: [{fill_missing: mean}]}
        - {feature: flipper_length_mm, ops: [{fill_missing: {strategy: constant, value: 0}}, {zscore: {}}]}
        - {feature: body_mass_g, ops: [{fill_missing: {strategy: constant, value: 4000}}, {bucketize: {quantiles: 3}}]}
        - {feature: island, ops: [{vocabulary: {}}, {one_hot: {}}]}
      """;

  @Test
  void analyzerCacheRecomputesOnlyTheNewSpan(@TempDir Path dir) {
    List<Batch> te = TestData.trainEval(TestData.penguins());
    Batch train = te.get(0);
    int third = train.rowCount() / 3;
    var spans = new ArrayList<Examples>();
    for (int s = 0; s < 3; s++) {
      Batch part = train.slice(s * third, s == 2 ? train.rowCount() : (s + 1) * third);
      spans.add(TestData.examples(dir.resolve("span" + s), s, Map.of("train", List.of(part), "eval", List.of(te.get(1)))));
    }
    TransformParams cached = TestData.params(CACHEABLE.formatted(dir.resolve("cache")));
    TransformParams fresh = TestData.params(CACHEABLE.formatted("null"));

    ExecutorResult first = TransformExecutorTest.run(dir.resolve("run1"), spans.subList(0, 2), cached, List.of());
    assertEquals(2L, first.properties(TransformSpec.TRANSFORM_GRAPH).get("analyzer_passes_computed"));
    assertEquals(0L, first.properties(TransformSpec.TRANSFORM_GRAPH).get("analyzer_passes_cached"));

    // Rolling window: spans 1 and 2 — span 1 comes from the cache, only span 2 is analyzed.
    ExecutorResult second = TransformExecutorTest.run(dir.resolve("run2"), spans.subList(1, 3), cached, List.of());
    assertEquals(1L, second.properties(TransformSpec.TRANSFORM_GRAPH).get("analyzer_passes_computed"));
    assertEquals(1L, second.properties(TransformSpec.TRANSFORM_GRAPH).get("analyzer_passes_cached"));

    ExecutorResult scratch = TransformExecutorTest.run(dir.resolve("run3"), spans.subList(1, 3), fresh, List.of());
    assertEquals(2L, scratch.properties(TransformSpec.TRANSFORM_GRAPH).get("analyzer_passes_computed"));
    assertEquals(org.millrace.transform.graph.Graph.read(dir.resolve("run3/graph")).toJson(),
        org.millrace.transform.graph.Graph.read(dir.resolve("run2/graph")).toJson());
  }
}
