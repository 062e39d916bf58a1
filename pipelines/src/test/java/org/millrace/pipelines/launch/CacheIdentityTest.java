package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Examples;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.ExecutionSetting;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.OutputKey;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.Overrides;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.RawPipeline;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.run.LocalRunner;
import org.millrace.pipelines.run.RunResult;
import org.millrace.pipelines.run.Selection;

/**
 * The cache key holds the parameters that change an output and leaves out the
 * {@link ExecutionSetting}s (a thread count): another setting is a cache hit, another value a miss.
 */
class CacheIdentityTest {
  /** A TEST component: writes {@code value}; {@code threads} only says how many threads to use. */
  record WriteParams(String value, @ExecutionSetting Integer threads) {}

  static final OutputKey<Examples> DATA = OutputKey.of("data", Examples.TYPE);

  static final ComponentSpec<WriteParams> WRITE = ComponentSpec.builder("Write", WriteParams.class).output(DATA)
      .executor(() -> (in, ctx) -> {
        Files.writeString(in.output(DATA).resolve("value.txt"), in.parameters().value());
        return ExecutorResult.builder().property(DATA, "split_names", "").build();
      }).build();

  @TempDir
  Path project;
  MetadataStore store;
  LocalRunner runner;
  final ComponentRegistry registry = new ComponentRegistry(List.of(WRITE));

  @BeforeEach
  void setUp() {
    store = MetadataStores.sqlite(project.resolve(".millrace/metadata.db"));
    runner = new LocalRunner(store, registry, project, org.millrace.pipelines.launch.ProgressFactory.NONE);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private RunResult run(String parameters) {
    var spec = new PipelineCompiler(registry).compile(YamlPipelineLoader.load("t.yaml", """
        pipeline: demo
        nodes:
          write:
            component: Write
            parameters: %s
        """.formatted(parameters)));
    return runner.run(spec, Selection.ALL, new LocalRunner.Options(1, true));
  }

  @Test
  void executionSettingsStayOutOfTheKeyAndValuesStayIn() {
    assertEquals("COMPLETE", run("{value: a}").node("write").state());
    assertEquals("CACHED", run("{value: a, threads: 1}").node("write").state(), "another thread count");
    assertEquals("CACHED", run("{value: a, threads: 8}").node("write").state(), "another thread count");
    RunResult changed = run("{value: b, threads: 8}");
    assertEquals("COMPLETE", changed.node("write").state(), "another value");
    List<String> why = new CacheExplainer(new StoreQueries(store)).explain("demo", changed.runId(), "write");
    assertTrue(why.contains("  parameter 'value' changed: a -> b"), String.join("\n", why));
    assertTrue(why.stream().noneMatch(l -> l.contains("threads")), String.join("\n", why));
  }

  @Test
  void aRunWideOptionBecomesAParameterOfTheNodesThatLeaveItAtItsDefault() {
    RawPipeline raw = YamlPipelineLoader.load("t.yaml", """
        pipeline: demo
        nodes:
          a: {component: Trainer, parameters: {epochs: 3}}
          b: {component: Trainer, parameters: {backend: auto}}
          c: {component: Trainer, parameters: {backend: java}}
          d: {component: Evaluator}
        """);
    assertEquals(List.of(new Overrides.Set("a", "backend", "opencl_cpu"), new Overrides.Set("b", "backend", "opencl_cpu")),
        Overrides.whereDefault(raw, "Trainer", "backend", "auto", "opencl_cpu"));
    Map<String, Object> a = Overrides.apply(raw, Overrides.whereDefault(raw, "Trainer", "backend", "auto", "java"))
        .nodes().get(0).parameters();
    assertEquals("java", a.get("backend"));
    assertEquals("3", String.valueOf(a.get("epochs")), "the node's own parameters stay");
  }
}
