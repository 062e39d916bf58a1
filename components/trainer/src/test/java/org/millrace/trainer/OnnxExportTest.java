package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.model.ModelFiles;
import org.millrace.trainer.model.ModelRuntime;
import org.millrace.trainer.model.OnnxExport;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.ActivationLayer;
import org.millrace.trainer.nn.BatchNorm;
import org.millrace.trainer.nn.Conv2D;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Dropout;
import org.millrace.trainer.nn.Embedding;
import org.millrace.trainer.nn.Flatten;
import org.millrace.trainer.nn.Layer;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.MaxPool2D;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Param;
import org.millrace.trainer.nn.Softmax;

/** Exported models run in ONNX Runtime and give the trainer's predictions, layer kind by layer kind. */
class OnnxExportTest {
  static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

  @TempDir
  Path dir;

  /** A network with random weights and random (valid) batch-norm statistics, so that no layer is an identity. */
  static Network network(int[] inputShape, List<Layer> layers, long seed) {
    var net = new Network(inputShape, layers).build(new JavaBackend(1), 64);
    net.initialize(seed);
    List<float[]> values = new ArrayList<>(net.values());
    List<Param> tensors = net.tensors();
    var rnd = new SplittableRandom(seed);
    for (int i = 0; i < values.size(); i++) {
      float[] v = values.get(i);
      String name = tensors.get(i).name();
      for (int j = 0; j < v.length; j++) {
        if (name.endsWith("moving_variance")) {
          v[j] = (float) (0.5 + rnd.nextDouble());
        } else if (name.endsWith("bias") || name.endsWith("moving_mean") || name.endsWith("beta")
            || name.endsWith("gamma")) {
          v[j] = (float) (rnd.nextDouble() - 0.5) + (name.endsWith("gamma") ? 1f : 0f);
        }
      }
    }
    net.load(values);
    return net;
  }

  /** What millrace serves: the model written as a model directory and run by {@link ModelRuntime#predictDense}. */
  float[] expected(String what, Network net, Loss loss, float[] x, int rows) throws Exception {
    Path model = java.nio.file.Files.createDirectories(dir.resolve(what + "-model"));
    ModelFiles.write(model, net, loss, null, Map.of());
    return ModelRuntime.load(model).predictDense(x, rows);
  }

  static float[] onnx(Path file, float[] x, int rows, int dim, String output) throws Exception {
    try (OrtSession session = ORT.createSession(file.toString(), new OrtSession.SessionOptions());
         OnnxTensor input = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(x), new long[] {rows, dim});
         OrtSession.Result result = session.run(Map.of("features", input))) {
      assertEquals(List.of(output), List.copyOf(session.getOutputNames()));
      float[][] out = (float[][]) result.get(0).getValue();
      float[] flat = new float[rows * out[0].length];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(out[r], 0, flat, r * out[r].length, out[r].length);
      }
      return flat;
    }
  }

  void check(String what, Network net, Loss loss, float[] x) throws Exception {
    int dim = net.inputSize();
    int rows = x.length / dim;
    Path file = dir.resolve(what + ".onnx");
    OnnxExport.write(net, loss, Map.of("millrace.case", what), file);
    // Readable as the files beside it are (the umask's permissions), not the owner's alone.
    assertEquals(java.nio.file.Files.getPosixFilePermissions(java.nio.file.Files.writeString(dir.resolve(what
        + ".plain"), "")), java.nio.file.Files.getPosixFilePermissions(file));
    float[] want = expected(what, net, loss, x, rows);
    float[] got = onnx(file, x, rows, dim, loss == Loss.MSE ? "predictions" : "probabilities");
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 2e-5 * Math.max(1, Math.abs(want[i])), what + " value " + i);
    }
  }

  @Test
  void denseLayersEveryActivationBatchNormDropoutAndSoftmax() throws Exception {
    var net = network(new int[] {6}, List.of(new Dense(8, Activation.RELU), new Dense(8, Activation.LEAKY_RELU),
        new BatchNorm(0.9f, 1e-3f), new Dense(8, Activation.GELU), new Dropout(0.3f),
        new ActivationLayer(Activation.TANH), new Dense(6, Activation.SIGMOID), new Dense(3, Activation.LINEAR)), 1);
    check("mlp", net, Loss.SOFTMAX_CROSS_ENTROPY, NetworkTest.random(6 * 50, 2));
    var soft = network(new int[] {5}, List.of(new Dense(4, Activation.LINEAR), new Softmax(),
        new Dense(2, Activation.LINEAR)), 3);
    check("softmax-layer-regression", soft, Loss.MSE, NetworkTest.random(5 * 20, 4));
    var binary = network(new int[] {3}, List.of(new Dense(4, Activation.TANH), new Dense(1, Activation.LINEAR)), 5);
    check("binary", binary, Loss.BINARY_CROSS_ENTROPY, NetworkTest.random(3 * 20, 6));
  }

  @Test
  void convolutionsPoolingAndBatchNormOnImages() throws Exception {
    check("cnn", network(new int[] {8, 8, 1}, NetworkTest.cnn(), 7), Loss.SOFTMAX_CROSS_ENTROPY,
        NetworkTest.random(64 * 12, 8));
    // Valid padding with a stride, two input channels, a non-square kernel.
    check("valid-stride", network(new int[] {7, 6, 2}, List.of(new Conv2D(3, 2, 3, 2, "valid", Activation.TANH),
        new Flatten(), new Dense(1, Activation.LINEAR)), 9), Loss.BINARY_CROSS_ENTROPY,
        NetworkTest.random(84 * 10, 10));
    // Same padding with an even kernel and a stride: more padding after than before.
    check("same-uneven", network(new int[] {5, 5, 1}, List.of(new Conv2D(2, 2, 2, 2, "same", Activation.RELU),
        new BatchNorm(0.9f, 1e-3f), new MaxPool2D(2, 1, 1), new Flatten(), new Dense(2, Activation.LINEAR)), 11),
        Loss.MSE, NetworkTest.random(25 * 10, 12));
  }

  @Test
  void embeddingsOfIntegerIds() throws Exception {
    // Batch norm on the (ids x dims) output: it normalizes the last axis, broadcast over both.
    var net = network(new int[] {4}, List.of(new Embedding(10, 3), new BatchNorm(0.9f, 1e-3f), new Flatten(),
        new Dense(1, Activation.LINEAR)), 13);
    float[] ids = new float[4 * 30];
    var rnd = new SplittableRandom(14);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rnd.nextInt(10);
    }
    check("embedding", net, Loss.MSE, ids);
  }

  @Test
  void exportDirectoryWritesTheTransformGraphAndNamesIntoTheMetadata() throws Exception {
    Path golden = Path.of("src/test/resources/golden-model");
    Path file = dir.resolve("dir.onnx");
    OnnxExport.exportDirectory(golden, file);
    var rt = ModelRuntime.load(golden);
    float[] x = rt.graph().applyRow(Map.of("a", 1.0, "b", 2.0));
    org.junit.jupiter.api.Assertions.assertArrayEquals(rt.predictDense(x, 1), onnx(file, x, 1, 2, "probabilities"),
        2e-6f, "same probabilities");
    try (OrtSession session = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
      Map<String, String> meta = session.getMetadata().getCustomMetadata();
      assertEquals("classification", meta.get("millrace.task"));
      assertEquals("[\"a_zscore\",\"b_zscore\"]", meta.get("millrace.feature_names"));
      assertEquals("[\"p\",\"q\",\"r\"]", meta.get("millrace.label_vocabulary"));
      assertEquals(rt.graph().toJson(), meta.get("millrace.transform_graph"));
    }
    try (var files = java.nio.file.Files.list(dir)) {
      assertEquals(List.of("dir.onnx"), files.map(f -> f.getFileName().toString()).toList(), "no temporary file left");
    }
  }

  @Test
  void aTrainedModelDirectoryExportsWithItsMetadata() throws Exception {
    Path golden = Path.of("src/test/resources/golden-model-v2");
    ModelFiles.Loaded loaded = ModelFiles.read(golden, new JavaBackend(1), 16);
    Path file = dir.resolve("golden.onnx");
    OnnxExport.write(loaded.network(), loaded.loss(), Map.of("millrace.label_vocabulary", "[\"p\",\"q\",\"r\"]"), file);
    float[] x = NetworkTest.random(2 * 9, 15);
    float[] got = onnx(file, x, 9, 2, "probabilities");
    float[] want = ModelRuntime.load(golden).predictDense(x, 9);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 2e-5, "value " + i);
    }
    try (OrtSession session = ORT.createSession(file.toString(), new OrtSession.SessionOptions())) {
      assertEquals("[\"p\",\"q\",\"r\"]", session.getMetadata().getCustomMetadata().get("millrace.label_vocabulary"));
      assertEquals("millrace", session.getMetadata().getProducerName());
    }
  }
}
