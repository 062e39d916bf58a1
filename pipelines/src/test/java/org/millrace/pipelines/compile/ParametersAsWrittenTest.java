package org.millrace.pipelines.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.ParameterBinder;

/**
 * The Trainer's {@code layers} and the Transform's {@code features} are parsed into typed records
 * when parameters bind; the canonical parameters (what a compiled spec stores and cache keys are
 * computed from) still hold them exactly as written in every example pipeline, and bind again to
 * the same parameters (as a stored spec does at launch).
 */
class ParametersAsWrittenTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final List<String> TYPED = List.of("layers", "features");

  /** The value as JSON gives it back (the number types a stored spec reads). */
  static Object json(Object value) {
    var mapper = ParameterBinder.mapper();
    try {
      return mapper.readValue(mapper.writeValueAsString(value), new TypeReference<Object>() {});
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Checks every node of {@code pipeline}; returns the canonical cache parameters by node and the
   * typed keys it found, as {@code node.key}.
   */
  static Map<String, String> check(RawPipeline pipeline, List<String> found) {
    var cacheJson = new TreeMap<String, String>();
    for (RawNode n : pipeline.nodes()) {
      ComponentSpec<?> comp = REGISTRY.get(n.component());
      Object bound = ParameterBinder.bind(comp.parametersType(), n.parameters());
      Map<String, Object> canonical = ParameterBinder.toMap(bound);
      String where = pipeline.file() + " " + n.id();
      for (String key : TYPED) {
        if (n.parameters() != null && n.parameters().containsKey(key)) {
          assertEquals(json(n.parameters().get(key)), canonical.get(key), where + " " + key);
          found.add(n.id() + "." + key);
        }
      }
      Object again = ParameterBinder.bind(comp.parametersType(), canonical);
      assertEquals(canonical, ParameterBinder.toMap(again), where);
      assertEquals(ParameterBinder.toCacheJson(bound), ParameterBinder.toCacheJson(again), where);
      cacheJson.put(n.id(), ParameterBinder.toCacheJson(bound));
    }
    return cacheJson;
  }

  @Test
  void examplePipelinesKeepLayersAndFeaturesAsWritten() throws Exception {
    List<Path> files;
    try (Stream<Path> dirs = Files.list(Path.of("examples"))) {
      files = dirs.map(d -> d.resolve("pipeline.yaml")).filter(Files::isRegularFile).sorted().toList();
    }
    assertTrue(files.size() >= 3, "example pipelines: " + files);
    var found = new java.util.ArrayList<String>();
    var out = new StringBuilder();
    for (Path f : files) {
      check(YamlPipelineLoader.load(f), found).forEach((node, key) -> out.append(f).append(' ').append(node)
          .append(' ').append(key).append('\n'));
    }
    String dump = System.getProperty("millrace.test.cacheKeysTo");
    if (dump != null) {
      Files.writeString(Path.of(dump), out);
    }
    assertTrue(found.contains("trainer.layers") && found.contains("transform.features"), "typed keys seen: " + found);
  }

  @Test
  void everyFeaturesAndLayersSpellingStaysAsWritten() {
    var found = new java.util.ArrayList<String>();
    check(YamlPipelineLoader.load("spellings.yaml", """
        pipeline: spellings
        nodes:
          t1:
            component: Transform
            inputs: {examples: t1.examples}
            parameters:
              label: {feature: y}
              features:
                - {feature: a, ops: [zscore, {min_max: {}}, {fill_missing: mean, indicator: true}]}
                - {feature: b, name: b2, ops: [{fill_missing: {strategy: constant, value: 0}}, {clip: {min: 0, max: 1.5}}]}
                - {cross: [c, d], ops: [{hash: {buckets: 16}}, one_hot]}
                - {columns: "p*", ops: [{bucketize: {quantiles: 4}}]}
                - {columns: [q, "r?"], ops: [{vocabulary: {top_k: 5}}, {one_hot: null}]}
          t2:
            component: Transform
            inputs: {examples: t1.examples}
            parameters: {label: {feature: y, task: regression}, features: auto}
          t3:
            component: Transform
            inputs: {examples: t1.examples}
            parameters:
              label: {feature: y}
              features: {auto: true, exclude: [id, "tmp_*"], top_k: 10, num_oov_buckets: 0,
                         overrides: [{feature: x, ops: [log1p]}, {columns: "px*", ops: [min_max]}]}
          n1:
            component: Trainer
            inputs: {examples: t1.transformed_examples}
            parameters:
              input_shape: [8, 8, 1]
              layers:
                - {type: conv2d, filters: 4, kernel_size: 3}
                - {type: conv2d, filters: 4, kernel_size: [3, 1], strides: 1, padding: same, activation: ReLU}
                - {type: max_pool2d}
                - {type: max_pool2d, pool_size: [2, 1]}
                - {type: batch_norm, momentum: 0.9}
                - {type: flatten}
                - {type: dense, units: 16, dropout: 0}
                - {type: dense, units: 8.0, activation: tanh, dropout: 0.5}
                - {type: dropout, rate: 0.1}
                - {type: activation, activation: softmax}
        """), found);
    assertEquals(List.of("t1.features", "t2.features", "t3.features", "n1.layers"), found);
  }
}
