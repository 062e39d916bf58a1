package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.millrace.api.spec.ParameterException;
import org.millrace.trainer.component.TrainerExecutor;
import org.millrace.trainer.component.TrainerParams;
import org.millrace.trainer.model.ModelFiles;
import org.millrace.trainer.model.ModelRuntime;
import org.millrace.trainer.io.SafeTensors;

class TrainerExecutorTest {
  @TempDir
  Path dir;

  /** Raw rows (a, b, kind) of three blobs, and the transformed split written as the Transform component would. */
  Path examples() throws Exception {
    Path ex = dir.resolve("examples");
    if (Files.exists(ex)) {
      return ex;
    }
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

  Path graph() throws Exception {
    Path g = Files.createDirectories(dir.resolve("graph"));
    if (Files.exists(g.resolve("transform_graph.json"))) {
      return g;
    }
    Files.copy(Path.of("src/test/resources/blobs_graph.json"), g.resolve("transform_graph.json"));
    return g;
  }

  Path train(Map<String, Object> params, String name) throws Exception {
    return train(params, name, dir.resolve(name));
  }

  Path train(Map<String, Object> params, String name, Path contextDir) throws Exception {
    Path model = Files.createDirectories(dir.resolve(name + "/model"));
    Path run = Files.createDirectories(dir.resolve(name + "/run"));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(
        "examples", List.of(new Examples(examples().toString(), Examples.splitProperties(List.of("train", "eval")))),
        "transform_graph", List.of(new TransformGraph(graph().toString(), Map.of()))),
        Map.of("model", model, "model_run", run), ParameterBinder.bind(TrainerParams.class, withFastOptimizer(params)));
    var result = new TrainerExecutor().execute(in, ExecutionContext.standalone("trainer", contextDir, List.of()));
    assertTrue((Double) result.outputProperties().get("model").get("validation_accuracy") > 0.9, result.toString());
    assertTrue(Files.readString(run.resolve("index.html")).contains("<polyline"));
    return model;
  }

  /** The epochs of a ModelRun's {@code history.json}. */
  static List<org.millrace.trainer.fit.EpochMetrics> history(Path run) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    return json.convertValue(json.readTree(run.resolve("history.json").toFile()).get("epochs"),
        new com.fasterxml.jackson.core.type.TypeReference<List<org.millrace.trainer.fit.EpochMetrics>>() { });
  }

  static Map<String, Object> withFastOptimizer(Map<String, Object> params) {
    var p = new java.util.HashMap<>(params);
    p.putIfAbsent("optimizer", Map.of("type", "adam", "learning_rate", 0.03));
    return p;
  }

  @Test
  void trainsAModelThatPredictsFromRawFeatures() throws Exception {
    Path model = train(Map.of("epochs", 10, "hidden_layers", List.of(Map.of("units", 16)),
        "schedule", Map.of("type", "cosine", "warmup_steps", 5, "min_factor", 0.1)), "m1");
    ModelRuntime rt = ModelRuntime.load(model);
    assertEquals(List.of("p", "q", "r"), rt.labelVocabulary());
    float[] probs = rt.predictRow(Map.of("a", 6.0, "b", 0.0));
    assertEquals(3, probs.length);
    assertEquals(1.0, probs[0] + probs[1] + probs[2], 1e-5);
    assertTrue(probs[2] > 0.8, "a=6, b=0 is blob r: " + java.util.Arrays.toString(probs));
    var batch = new BatchBuilder(DataSchema.of(Feature.of("a", FeatureType.FLOAT, true),
        Feature.of("b", FeatureType.FLOAT, true)), 1);
    batch.addRow(6.0, 0.0);
    assertArrayEquals(probs, rt.predict(batch.build()), 0f);
    // The trainer also wrote the network as ONNX: on the transformed row, ONNX Runtime gives the same probabilities.
    float[] onnx = OnnxExportTest.onnx(model.resolve("model.onnx"), rt.graph().applyRow(Map.of("a", 6.0, "b", 0.0)), 1,
        2, "probabilities");
    assertArrayEquals(probs, onnx, 1e-6f);
    String json = Files.readString(model.resolve("model.json"));
    assertTrue(json.contains("\"transform\"") && json.contains("\"backend\"") && json.contains("\"seed\" : 42"), json);
    // auto: an OpenCL GPU when there is one, else Java (PoCL in CI is a CPU device); the choice is recorded.
    boolean gpu = org.millrace.trainer.backend.opencl.OpenCLBackend.devices().stream().anyMatch(d -> d.gpu());
    String expected = gpu ? "\"backend\" : \"opencl (" : "\"backend\" : \"java (";
    assertTrue(json.contains(expected) && json.contains("\"backend_selection\" : \"auto: "), json);
    String forced = Files.readString(train(Map.of("epochs", 2, "backend", "java"), "forced").resolve("model.json"));
    assertTrue(forced.contains("\"backend_selection\" : \"java backend requested\""), forced);
    var bad = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        Map.of("backend", "cuda")));
    assertEquals("parameter 'backend' expected one of [auto, java, opencl, opencl_gpu, opencl_cpu], got 'cuda'",
        bad.getMessage());
    assertEquals("backend", bad.path());
  }

  @Test
  void sameDataConfigAndSeedGiveIdenticalWeights() throws Exception {
    Map<String, Object> p = Map.of("epochs", 3, "threads", 1);
    byte[] a = Files.readAllBytes(train(p, "a").resolve("model.safetensors"));
    byte[] b = Files.readAllBytes(train(Map.of("epochs", 3, "threads", 2), "b").resolve("model.safetensors"));
    assertArrayEquals(a, b);
  }

  @Test
  void badConfigsAreNamed() {
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        Map.of("hidden_layers", List.of(Map.of("units", 8), Map.of("units", -3)))));
    assertEquals("units expected a positive integer, got -3", e.getMessage());
    var act = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        Map.of("hidden_layers", List.of(Map.of("units", 8, "activation", "swish")))));
    assertEquals("activation expected one of [linear, relu, leaky_relu, gelu, sigmoid, tanh], got 'swish'",
        act.getMessage());
    var opt = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        Map.of("optimizer", Map.of("type", "lbfgs"))));
    assertTrue(opt.getMessage().contains("one of [sgd, adam, adamw]"), opt.getMessage());
  }

  @Test
  void badModelFilesAreNamed() throws Exception {
    Path model = train(Map.of("epochs", 2), "m2");
    Path copy = Files.createDirectories(dir.resolve("copy"));
    Files.copy(model.resolve("model.json"), copy.resolve("model.json"));
    byte[] weights = Files.readAllBytes(model.resolve("model.safetensors"));
    Files.write(copy.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length - 10));
    var trunc = assertThrows(IllegalArgumentException.class, () -> ModelRuntime.load(copy));
    assertTrue(trunc.getMessage().contains("(truncated)") && trunc.getMessage().contains("layers.1.bias"),
        trunc.getMessage());

    var tensors = SafeTensors.read(model.resolve("model.safetensors"));
    tensors.remove("layers.1.bias");
    SafeTensors.write(copy.resolve("model.safetensors"), tensors, Map.of());
    var missing = assertThrows(IllegalArgumentException.class, () -> ModelRuntime.load(copy));
    assertTrue(missing.getMessage().contains("tensor 'layers.1.bias' expected, got none"), missing.getMessage());

    Files.copy(model.resolve("model.safetensors"), copy.resolve("model.safetensors"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String json = Files.readString(model.resolve("model.json"));
    Files.writeString(copy.resolve("model.json"), json.replaceFirst("\"format_version\" : 2", "\"format_version\" : 7"));
    var newer = assertThrows(IllegalArgumentException.class, () -> ModelRuntime.load(copy));
    assertTrue(newer.getMessage().endsWith("format_version expected at most 2, got 7 (written by a newer millrace;"
        + " upgrade to load it)"), newer.getMessage());
    Files.writeString(copy.resolve("model.json"), json.replaceFirst("\"type\" : \"dense\"", "\"type\" : \"lstm\""));
    var layer = assertThrows(IllegalArgumentException.class, () -> ModelRuntime.load(copy));
    assertTrue(layer.getMessage().endsWith("layers[0]: type expected one of [activation, batch_norm, conv2d, dense,"
        + " dropout, embedding, flatten, max_pool2d, softmax], got 'lstm'"), layer.getMessage());
    Files.writeString(copy.resolve("model.json"), json.replaceFirst("\"units\" : 64", "\"units\" : 65"));
    var shape = assertThrows(IllegalArgumentException.class, () -> ModelRuntime.load(copy));
    assertTrue(shape.getMessage().contains("expected shape"), shape.getMessage());
  }

  /** Conv, batch-norm, pooling, flatten and dropout on the blobs' two features seen as a 1x2 image. */
  static final Map<String, Object> CNN = Map.of("epochs", 8, "input_shape", List.of(1, 2, 1), "layers", List.of(
      Map.of("type", "conv2d", "filters", 3, "kernel_size", List.of(1, 2), "padding", "same", "activation", "relu"),
      Map.of("type", "batch_norm"),
      Map.of("type", "max_pool2d", "pool_size", List.of(1, 2), "strides", 1),
      Map.of("type", "flatten"),
      Map.of("type", "dense", "units", 8, "activation", "relu", "dropout", 0.1)));

  @Test
  void trainsALayerStackFromItsConfiguration() throws Exception {
    Path model = train(CNN, "cnn");
    String json = Files.readString(model.resolve("model.json"));
    assertTrue(json.contains("\"type\" : \"conv2d\"") && json.contains("\"moving_variance\" : \"layers.1.moving_variance\"")
        && json.contains("\"input_shape\" : [ 1, 2, 1 ]"), json);
    float[] probs = ModelRuntime.load(model).predictRow(Map.of("a", 6.0, "b", 0.0));
    assertTrue(probs[2] > 0.7, java.util.Arrays.toString(probs));
    var shape = assertThrows(IllegalArgumentException.class, () -> train(Map.of("input_shape", List.of(3, 1, 1)), "bad"));
    assertEquals("input_shape [3, 1, 1] expected 2 values per example (the transform graph's outputs), got 3",
        shape.getMessage());
    var both = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class, Map.of(
        "hidden_layers", List.of(Map.of("units", 4)), "layers", List.of(Map.of("type", "flatten")))));
    assertEquals("expected either hidden_layers or layers, got both", both.getMessage());
    var unknown = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class, Map.of(
        "layers", List.of(Map.of("type", "flatten"), Map.of("type", "dense", "unit", 4)))));
    assertEquals("layers[1] (dense): unknown key 'unit', expected one of [activation, dropout, units]",
        unknown.getMessage());
  }

  @Test
  void anInterruptedTrainerResumesFromItsCheckpointWithTheSameModel() throws Exception {
    Map<String, Object> p = Map.of("epochs", 150, "threads", 1, "checkpoint_every_steps", 5);
    Path whole = train(p, "whole");
    byte[] uninterrupted = Files.readAllBytes(whole.resolve("model.safetensors"));
    // The interrupted and the resumed run share one standalone context directory, so one resume dir.
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Path latest = shared.resolve("resume/checkpoints/LATEST");
    var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
    Thread t = new Thread(() -> {
      try {
        train(p, "interrupted", shared);
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    while (!Files.exists(latest) && t.isAlive()) {
      Thread.sleep(1);
    }
    t.interrupt();
    t.join();
    assertTrue(failure.get() != null && failure.get().getMessage().startsWith("training interrupted at step"),
        String.valueOf(failure.get()));
    Path model = train(p, "resumed", shared);
    assertArrayEquals(uninterrupted, Files.readAllBytes(model.resolve("model.safetensors")));
    // The same model, to its model.json: where training resumed is in the record of the run (model_run), not in
    // the model (its fingerprint parted from the uninterrupted run's).
    assertEquals(Files.readString(whole.resolve("model.json")), Files.readString(model.resolve("model.json")));
    String record = Files.readString(dir.resolve("resumed/run/history.json"));
    assertTrue(record.contains("\"resumed_from_step\""), record);
  }

  @Test
  void goldenModelsStillLoadAndPredict() throws Exception {
    // v1: dense only (the first format); v2: conv2d, batch_norm, max_pool2d, flatten, dense + dropout.
    golden(Path.of("src/test/resources/golden-model"), Map.of("epochs", 3, "hidden_layers",
        List.of(Map.of("units", 4))));
    golden(Path.of("src/test/resources/golden-model-v2"), CNN);
  }

  void golden(Path golden, Map<String, Object> params) throws Exception {
    if (!Files.exists(golden.resolve(ModelFiles.MODEL_JSON))) {
      // Written once with the format of the day and committed; later versions must keep loading it.
      Path m = train(params, golden.getFileName().toString());
      Files.createDirectories(golden);
      Files.copy(m.resolve(ModelFiles.MODEL_JSON), golden.resolve(ModelFiles.MODEL_JSON));
      Files.copy(m.resolve(ModelFiles.WEIGHTS), golden.resolve(ModelFiles.WEIGHTS));
      float[] p = ModelRuntime.load(golden).predictRow(Map.of("a", 1.0, "b", 2.0));
      Files.writeString(golden.resolve("expected.txt"), p[0] + " " + p[1] + " " + p[2]);
    }
    String[] expected = Files.readString(golden.resolve("expected.txt")).trim().split(" ");
    float[] p = ModelRuntime.load(golden).predictRow(Map.of("a", 1.0, "b", 2.0));
    for (int i = 0; i < 3; i++) {
      assertEquals(Float.parseFloat(expected[i]), p[i], 1e-6f, golden.toString());
    }
  }

  @Test
  void dataParallelWorkersTrainTheSameModelAndAreRecorded() throws Exception {
    Map<String, Object> p = Map.of("epochs", 4, "threads", 3, "hidden_layers", List.of(Map.of("units", 16,
        "dropout", 0.1)), "backend", "java");
    Path one = train(p, "w1");
    var three = new java.util.HashMap<>(p);
    three.put("workers", 3);
    Path many = train(three, "w3");
    float[] a = ModelRuntime.load(one).predictRow(Map.of("a", 1.0, "b", 2.0));
    float[] b = ModelRuntime.load(many).predictRow(Map.of("a", 1.0, "b", 2.0));
    assertArrayEquals(a, b, 1e-5f);
    String json = Files.readString(many.resolve("model.json"));
    assertTrue(json.contains("\"workers\" : 3"), json);
    // The run report: which rows each worker trained, as the training loop counted them.
    DataParallelTest.assertShards(history(dir.resolve("w3/run")), 3, 300, 32);
    DataParallelTest.assertShards(history(dir.resolve("w1/run")), 1, 300, 32);
    var bad = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        Map.of("workers", 64, "batch_size", 32)));
    assertEquals("workers expected 1..batch_size (32), got 64", bad.getMessage());
  }
}
