package org.millrace.trainer.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
import org.millrace.trainer.component.TrainerExecutor;
import org.millrace.trainer.component.TrainerParams;
import org.millrace.trainer.model.ModelRuntime;

/**
 * The Trainer with {@code distributed: {launcher: spark, ranks: 3}}: three barrier tasks on an
 * embedded Spark ({@code local[3]}) join a TCP ring and train the model three in-process workers
 * train, to float rounding.
 */
class SparkLauncherTest {
  @TempDir
  Path dir;

  Path examples() throws Exception {
    Path ex = dir.resolve("examples");
    for (String split : List.of("train", "eval")) {
      var schema = DataSchema.of(Feature.vector("features", 2), Feature.of("label", FeatureType.FLOAT, false));
      var b = new BatchBuilder(schema, 300);
      var r = new SplittableRandom(split.hashCode());
      for (int i = 0; i < 300; i++) {
        int c = i % 3;
        double a = c * 3 + r.nextGaussian();
        double bb = c % 2 * 3 + r.nextGaussian();
        b.addRow(new float[] {(float) ((a - 3) / 2), (float) ((bb - 1.5) / 2)}, (double) c);
      }
      ExamplesIO.write(ex.resolve("Split-" + split), schema, 0, List.of(b.build()));
    }
    return ex;
  }

  Path train(Path examples, Map<String, Object> params, String name) throws Exception {
    Path graph = Files.createDirectories(dir.resolve(name + "/graph"));
    Files.copy(Path.of("src/test/resources/blobs_graph.json"), graph.resolve("transform_graph.json"));
    Path model = Files.createDirectories(dir.resolve(name + "/model"));
    Path run = Files.createDirectories(dir.resolve(name + "/run"));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(
        "examples", List.of(new Examples(examples.toString(), Examples.splitProperties(List.of("train", "eval")))),
        "transform_graph", List.of(new TransformGraph(graph.toString(), Map.of()))),
        Map.of("model", model, "model_run", run), ParameterBinder.bind(TrainerParams.class, params));
    new TrainerExecutor().execute(in, ExecutionContext.standalone("trainer", dir.resolve(name), List.of()));
    return model;
  }

  @Test
  void threeSparkRanksTrainWhatThreeLocalWorkersTrain() throws Exception {
    Path ex = examples();
    Map<String, Object> base = new HashMap<>(Map.of("epochs", 4, "threads", 1, "backend", "java",
        "hidden_layers", List.of(Map.of("units", 16, "dropout", 0.1)),
        "optimizer", Map.of("type", "adam", "learning_rate", 0.03)));
    var local = new HashMap<>(base);
    local.put("workers", 3);
    Path localModel = train(ex, local, "local");
    var spark = new HashMap<>(base);
    spark.put("distributed", Map.of("launcher", "spark", "ranks", 3, "settings", Map.of("master", "local[3]")));
    Path sparkModel = train(ex, spark, "spark");
    for (Map<String, Object> row : List.<Map<String, Object>>of(Map.of("a", 1.0, "b", 2.0), Map.of("a", 6.0, "b", 0.0))) {
      float[] a = ModelRuntime.load(localModel).predictRow(row);
      float[] b = ModelRuntime.load(sparkModel).predictRow(row);
      assertArrayEquals(a, b, 1e-5f, row.toString());
    }
    String json = Files.readString(sparkModel.resolve("model.json"));
    assertTrue(json.contains("\"distributed\"") && json.contains("\"launcher\" : \"spark\"")
        && json.contains("\"ranks\" : 3"), json);
    assertTrue(Files.readString(dir.resolve("spark/run/index.html")).contains("<polyline"), "the run report");
  }

  @Test
  void aLayerStackWithBatchNormTrainsAsTwoLocalWorkersDo() throws Exception {
    Path ex = examples();
    Map<String, Object> base = new HashMap<>(Map.of("epochs", 3, "backend", "java", "layers", List.of(
        Map.of("type", "dense", "units", 8, "activation", "relu"), Map.of("type", "batch_norm")),
        "optimizer", Map.of("type", "adam", "learning_rate", 0.03)));
    var local = new HashMap<>(base);
    local.put("workers", 2);
    local.put("threads", 2);
    Path localModel = train(ex, local, "bn-local");
    var spark = new HashMap<>(base);
    spark.put("distributed", Map.of("ranks", 2, "settings", Map.of("connect_timeout_seconds", "30")));
    Path sparkModel = train(ex, spark, "bn-spark");
    float[] a = ModelRuntime.load(localModel).predictRow(Map.of("a", 1.0, "b", 2.0));
    float[] b = ModelRuntime.load(sparkModel).predictRow(Map.of("a", 1.0, "b", 2.0));
    assertArrayEquals(a, b, 1e-5f);
    var bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SparkLauncher()
        .train(new org.millrace.trainer.dist.DistributedJob(Map.of(), "", "", "", null, 2, "t"), Map.of("mastr", "x")));
    assertEquals("distributed.settings expected keys of [connect_timeout_seconds, driver_host, io_timeout_seconds, jars,"
        + " master], got 'mastr'", bad.getMessage());
    var seconds = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SparkLauncher()
        .train(new org.millrace.trainer.dist.DistributedJob(Map.of(), "", "", "", null, 2, "t"),
            Map.of("io_timeout_seconds", "soon")));
    assertEquals("distributed.settings.io_timeout_seconds expected a whole number of seconds >= 1, got 'soon'",
        seconds.getMessage());
  }

  @Test
  void aMissingLauncherAndImpossibleSettingsAreNamed() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> org.millrace.trainer.dist.DistributedLauncher.find("ray"));
    assertEquals("distributed.launcher expected a launcher on the classpath, got 'ray'", e.getMessage());
    var bad = org.junit.jupiter.api.Assertions.assertThrows(org.millrace.api.spec.ParameterException.class,
        () -> ParameterBinder.bind(TrainerParams.class, Map.of("workers", 2, "distributed", Map.of("ranks", 2))));
    assertEquals("distributed expected ranks 1..batch_size (32) and workers 1 (one replica per rank), got ranks 2 and"
        + " workers 2", bad.getMessage());
  }
}
