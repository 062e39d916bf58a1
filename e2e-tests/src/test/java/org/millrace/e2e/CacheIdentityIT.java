package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.testing.RequiredCapabilities;

/**
 * Issue 18, cache identity, through the real launcher: the cache key holds what changes an output
 * and nothing that depends on the machine. The same pipeline on a machine with another core count
 * ({@code -XX:ActiveProcessorCount=1}), or with another {@code threads}, is all cache hits; another
 * {@code --trainer-backend} misses the trainer and what is downstream of it, and nothing upstream.
 */
class CacheIdentityIT {
  private static final List<String> UPSTREAM = List.of("ingest", "statistics", "schema", "transform");
  private static final List<String> NODES = List.of("ingest", "statistics", "schema", "transform", "trainer",
      "evaluator");
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir
  Path dir;

  @Test
  void machineSettingsHitTheCacheAndAnotherBackendMissesIt() throws Exception {
    Path yaml = pipeline();
    var cli = new MillraceProcess(dir.resolve("logs"));
    Map<String, String> first = states(cli.run(TIMEOUT, "run", yaml.toString()));
    NODES.forEach(n -> assertEquals("COMPLETE", first.get(n), n + " of the first run: " + first));

    // Another machine: one core instead of this one's, so the threads default differs.
    var oneCore = new MillraceProcess(dir.resolve("logs-one-core")).metadata(dir.resolve("logs/metadata.db").toString())
        .env("MILLRACE_JAVA_OPTS", "-XX:ActiveProcessorCount=1");
    Map<String, String> other = states(oneCore.run(TIMEOUT, "run", yaml.toString()));
    NODES.forEach(n -> assertEquals("CACHED", other.get(n), n + " on a one-core machine: " + other));

    Map<String, String> threads = states(cli.run(TIMEOUT, "run", yaml.toString(), "--set", "trainer.threads=3"));
    NODES.forEach(n -> assertEquals("CACHED", threads.get(n), n + " with trainer.threads=3: " + threads));

    // auto -> java: another backend parameter, so the trainer and the evaluator of its model run again.
    Map<String, String> java = states(cli.run(TIMEOUT, "run", yaml.toString(), "--trainer-backend", "java"));
    UPSTREAM.forEach(n -> assertEquals("CACHED", java.get(n), n + " upstream of the trainer: " + java));
    assertEquals("COMPLETE", java.get("trainer"), "trainer with --trainer-backend java: " + java);
    assertEquals("COMPLETE", java.get("evaluator"), "evaluator of the new model: " + java);
    Map<String, String> again = states(cli.run(TIMEOUT, "run", yaml.toString(), "--trainer-backend", "java"));
    NODES.forEach(n -> assertEquals("CACHED", again.get(n), n + " with --trainer-backend java again: " + again));

    var cl = cli.run(TIMEOUT, "run", yaml.toString(), "--trainer-backend", "opencl_cpu");
    RequiredCapabilities.assume("opencl", !cl.out().contains("expected a matching OpenCL device"), "no OpenCL CPU"
        + " device here (apt-get install pocl-opencl-icd): the opencl_cpu half of the backend check is skipped");
    Map<String, String> opencl = states(cl);
    UPSTREAM.forEach(n -> assertEquals("CACHED", opencl.get(n), n + " upstream of the trainer: " + opencl));
    assertEquals("COMPLETE", opencl.get("trainer"), "trainer with --trainer-backend opencl_cpu: " + opencl);
    assertEquals("COMPLETE", opencl.get("evaluator"), "evaluator of the new model: " + opencl);
    List<String> models = modelJsons();
    assertEquals(3, models.size(), "models of auto, java and opencl_cpu");
    assertTrue(models.stream().anyMatch(m -> m.contains("\"backend\" : \"opencl_cpu\"")
        && m.contains("\"backend\" : \"opencl (")), "a model trained by the OpenCL backend, as its parameters say:\n"
        + models);
  }

  /** Node states from the summary table a run prints (rows: node, component, state, ...). */
  private static Map<String, String> states(MillraceProcess.Result r) {
    assertEquals(0, r.code(), r.toString());
    var out = new LinkedHashMap<String, String>();
    for (String line : r.out().lines().toList()) {
      String[] cells = line.trim().split("\\s+");
      if (cells.length >= 3 && NODES.contains(cells[0])) {
        out.put(cells[0], cells[2]);
      }
    }
    assertEquals(NODES, List.copyOf(out.keySet()), "every node in the summary:\n" + r);
    return out;
  }

  /** The model.json of every model the trainer wrote. */
  private List<String> modelJsons() throws Exception {
    try (Stream<Path> models = Files.list(dir.resolve("root/trainer/model"))) {
      var out = new java.util.ArrayList<String>();
      for (Path m : models.filter(p -> Files.exists(p.resolve("model.json"))).toList()) {
        out.add(Files.readString(m.resolve("model.json")));
      }
      return out;
    }
  }

  /** The penguins data through a small Trainer and an Evaluator with no previous-run baseline. */
  private Path pipeline() throws Exception {
    Path csv = MillraceProcess.repositoryRoot().resolve("examples/data/penguins/penguins.csv");
    String yaml = """
        pipeline: cache-identity
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
          transform:
            component: Transform
            inputs: {examples: ingest.examples, schema: schema.schema}
            parameters:
              label: {feature: species, task: classification}
              features:
                - {feature: culmen_length_mm, ops: [{fill_missing: mean}, {zscore: {}}]}
                - {feature: flipper_length_mm, ops: [{fill_missing: mean}, {zscore: {}}]}
                - {feature: island, ops: [{vocabulary: {}}, {one_hot: {}}]}
          trainer:
            component: Trainer
            inputs: {examples: transform.transformed_examples, transform_graph: transform.transform_graph}
            parameters: {hidden_layers: [{units: 8}], epochs: 3, batch_size: 16, seed: 7}
          evaluator:
            component: Evaluator
            inputs: {examples: ingest.examples, model: trainer.model}
            parameters: {thresholds: [{metric: accuracy, lower: 0.1}]}
        """.formatted(dir.resolve("root"), csv);
    return Files.writeString(dir.resolve("pipeline.yaml"), yaml);
  }
}
