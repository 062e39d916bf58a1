package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.TransformGraph;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.testing.ExecutorGolden;
import org.millrace.trainer.component.TrainerComponents;
import org.millrace.trainer.component.TrainerParams;

/**
 * The Trainer's cache identity: the files and formats it writes are pinned to its executor version
 * (a golden listing), its cache parameters leave out {@code threads} and keep {@code backend}, and
 * its driver adds what {@code auto} takes on this machine.
 */
class TrainerOutputsGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/trainer-outputs.txt");

  @TempDir
  Path dir;

  @Test
  void outputsMatchTheGoldenListingOfTheirExecutorVersion() throws Exception {
    Path ex = dir.resolve("examples");
    var schema = DataSchema.of(Feature.vector("features", 2), Feature.of("label", FeatureType.FLOAT, false));
    for (String split : List.of("train", "eval")) {
      var b = new BatchBuilder(schema, 30);
      var r = new SplittableRandom(split.hashCode());
      for (int i = 0; i < 30; i++) {
        b.addRow(new float[] {(float) r.nextGaussian(), (float) r.nextGaussian()}, (double) (i % 3));
      }
      ExamplesIO.write(ex.resolve("Split-" + split), schema, 0, List.of(b.build()));
    }
    Path graph = Files.createDirectories(dir.resolve("graph"));
    Files.copy(Path.of("src/test/resources/blobs_graph.json"), graph.resolve("transform_graph.json"));
    Path model = Files.createDirectories(dir.resolve("out/model"));
    Path run = Files.createDirectories(dir.resolve("out/model_run"));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(
        "examples", List.of(new Examples(ex.toString(), Examples.splitProperties(List.of("train", "eval")))),
        "transform_graph", List.of(new TransformGraph(graph.toString(), Map.of()))),
        Map.of("model", model, "model_run", run), ParameterBinder.bind(TrainerParams.class,
            Map.of("epochs", 1, "backend", "java", "hidden_layers", List.of(Map.of("units", 4)))));
    TrainerComponents.TRAINER.executor().get().execute(in, ExecutionContext.standalone("trainer", dir.resolve("ctx"),
        List.of()));
    ExecutorGolden.check("Trainer", TrainerComponents.TRAINER.executorVersion(),
        ExecutorGolden.listing(Map.of("model", model, "model_run", run)), GOLDEN,
        "TrainerComponents.TRAINER's .version(...)");
  }

  @Test
  void cacheParametersLeaveOutThreadsAndKeepTheBackend() {
    var one = ParameterBinder.bind(TrainerParams.class, Map.of("threads", 1, "backend", "java"));
    var many = ParameterBinder.bind(TrainerParams.class, Map.of("threads", 16, "backend", "java"));
    var unset = ParameterBinder.bind(TrainerParams.class, Map.of("backend", "java"));
    assertEquals(ParameterBinder.toCacheJson(one), ParameterBinder.toCacheJson(many));
    assertEquals(ParameterBinder.toCacheJson(one), ParameterBinder.toCacheJson(unset));
    assertFalse(ParameterBinder.toCacheMap(one).containsKey("threads"));
    assertEquals("java", ParameterBinder.toCacheMap(one).get("backend"));
    var opencl = ParameterBinder.bind(TrainerParams.class, Map.of("threads", 1, "backend", "opencl_cpu"));
    assertFalse(ParameterBinder.toCacheJson(one).equals(ParameterBinder.toCacheJson(opencl)), "another backend");
    // Unset, threads follow the machine the executor runs on, not the one that compiled the pipeline.
    assertEquals(null, unset.threads());
    assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()), unset.threadCount());
    assertEquals(16, many.threadCount());
  }

  @Test
  void theDriverKeysWhatAutoTakesOnThisMachine() throws Exception {
    var driver = TrainerComponents.TRAINER.driver().orElseThrow();
    String auto = driver.fingerprint(ParameterBinder.bind(TrainerParams.class, Map.of()), null);
    assertEquals(org.millrace.trainer.component.Backends.autoResolution(org.millrace.trainer.component.BackendChoice.AUTO), auto);
    assertTrue(auto.equals("auto: java") || auto.startsWith("auto: OpenCL GPU "), auto);
    assertEquals("", driver.fingerprint(ParameterBinder.bind(TrainerParams.class, Map.of("backend", "java")), null));
  }
}
