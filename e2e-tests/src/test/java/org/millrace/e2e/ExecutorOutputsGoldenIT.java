package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.testing.ExecutorGolden;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.launch.ProgressFactory;
import org.millrace.pipelines.run.LocalRunner;
import org.millrace.pipelines.run.NodeResult;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;

/**
 * What each executor writes (files; JSON and YAML: top-level keys, format_version) on a small
 * penguins pipeline, pinned to its executor version in {@code src/test/resources/golden/<component>.txt}:
 * a change of the listing fails until the executor version is bumped, so a result cached under the
 * old version is not reused without the change. The Trainer's listing is pinned in its module
 * (TrainerOutputsGoldenTest), on a tiny input.
 */
class ExecutorOutputsGoldenIT {
  static final Path GOLDEN = MillraceProcess.repositoryRoot().resolve("e2e-tests/src/test/resources/golden");

  @TempDir
  Path dir;

  @Test
  void everyExecutorWritesWhatItsVersionSays() throws Exception {
    Path csv = MillraceProcess.repositoryRoot().resolve("examples/data/penguins/penguins.csv");
    Path registryDir = dir.resolve("registry");
    String yaml = """
        pipeline: golden
        pipeline_root: %s
        nodes:
          ingest:
            component: ExampleGen
            parameters: {input: %s, split_ratios: {train: 2, eval: 1}}
          statistics:
            component: StatisticsGen
            inputs: {examples: ingest.examples}
          schema:
            component: SchemaGen
            inputs: {statistics: statistics.statistics}
          validator:
            component: ExampleValidator
            inputs: {statistics: statistics.statistics, schema: schema.schema}
          transform:
            component: Transform
            inputs: {examples: ingest.examples, schema: schema.schema}
            parameters:
              label: {feature: species, task: classification}
              features:
                - {feature: culmen_length_mm, ops: [{fill_missing: mean}, {zscore: {}}]}
                - {feature: island, ops: [{vocabulary: {}}, {one_hot: {}}]}
          trainer:
            component: Trainer
            inputs: {examples: transform.transformed_examples, transform_graph: transform.transform_graph}
            parameters: {hidden_layers: [{units: 8}], epochs: 2, batch_size: 16, seed: 7, backend: java}
          evaluator:
            component: Evaluator
            inputs: {examples: ingest.examples, model: trainer.model}
            parameters: {thresholds: [{metric: accuracy, lower: 0.1}]}
          pusher:
            component: Pusher
            inputs: {model: trainer.model, blessing: evaluator.blessing}
            parameters: {base_dir: %s, model_name: golden}
        """.formatted(dir.resolve("root"), csv, registryDir);
    ComponentRegistry registry = ComponentRegistry.load();
    RunResult run;
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("metadata.db"))) {
      run = new LocalRunner(store, registry, dir, ProgressFactory.NONE).run(
          new PipelineCompiler(registry).compile(YamlPipelineLoader.load("golden.yaml", yaml)), Selection.ALL,
          new LocalRunner.Options(2, true));
    }
    assertTrue(run.succeeded(), run.toString());
    var failures = new StringBuilder();
    for (NodeResult n : run.nodes()) {
      if (n.component().equals("Trainer")) {
        continue;
      }
      var outputs = new LinkedHashMap<String, Path>();
      n.outputUris().forEach((key, uris) -> outputs.put(key, Path.of(uris.get(0))));
      if (n.component().equals("Pusher")) {
        // The registry's index is the Pusher's format; the version folders hold the Trainer's files.
        outputs.put("registry/golden/registry.json", registryDir.resolve("golden/registry.json"));
      }
      try {
        ExecutorGolden.check(n.component(), registry.get(n.component()).executorVersion(),
            ExecutorGolden.listing(outputs), GOLDEN.resolve(n.component() + ".txt"),
            "the version(...) of the " + n.component() + " ComponentSpec");
      } catch (AssertionError e) {
        failures.append(e.getMessage()).append("\n\n");
      }
    }
    assertTrue(failures.isEmpty(), failures.toString());
    assertTrue(List.of("ExampleGen", "StatisticsGen", "SchemaGen", "ExampleValidator", "Transform", "Evaluator",
        "Pusher").stream().allMatch(c -> GOLDEN.resolve(c + ".txt").toFile().isFile()), "a golden file per executor");
  }
}
