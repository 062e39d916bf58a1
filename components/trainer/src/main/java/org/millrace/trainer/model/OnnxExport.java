package org.millrace.trainer.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.ConvGeometry;
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
import org.millrace.transform.graph.Graph;

/**
 * Writes a network as an ONNX model (IR 8, opset 17) that ONNX Runtime and other ONNX tools run:
 * input {@code features} (batch x the network's input size, the dense vector the transform graph
 * makes), output {@code probabilities} (classification: softmax, or sigmoid for a binary
 * classifier) or {@code predictions} (regression) — the values {@link ModelRuntime#predictDense}
 * gives. Dropout is the identity; batch norm is folded into a scale and a shift; convolutions and
 * pooling run between transposes from millrace's channels-last layout to ONNX's channels-first.
 *
 * <p>An embedding's ids must be whole numbers in range, as millrace requires: ONNX's Cast and
 * Gather would truncate a fraction and count a negative id from the end, where millrace fails
 * (the transform graph never makes such ids; a consumer feeding its own vectors must check).
 *
 * <p>The transform graph is not part of the ONNX graph: its JSON, the dense feature names and the
 * label vocabulary are in the model's metadata properties, and {@code millrace serve} applies it
 * to raw rows.
 */
public final class OnnxExport {
  /** The file name inside a model directory. */
  public static final String FILE_NAME = "model.onnx";
  static final int OPSET = 17;
  static final int IR_VERSION = 8;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private final Backend backend;
  private final List<Proto> nodes = new ArrayList<>();
  private final List<Proto> initializers = new ArrayList<>();
  private int counter;
  /** The current value's name and per-example shape, and whether it is held flat (batch x size). */
  private String x;
  private int[] shape;
  private boolean flat;

  private OnnxExport(Backend backend) {
    this.backend = backend;
  }

  /**
   * Writes {@code net} (its output head chosen by {@code loss}) to {@code file}, atomically; the
   * metadata entries become the model's metadata properties.
   */
  public static void write(Network net, Loss loss, Map<String, String> metadata, Path file) throws IOException {
    byte[] bytes = new OnnxExport(net.backend()).model(net, loss, metadata);
    Path dir = file.toAbsolutePath().getParent();
    // Not createTempFile, whose file is the owner's alone (0600): model.onnx is read by servers running as
    // other users, as model.json and the weights beside it are, with the permissions the umask gives.
    Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
        + ".tmp");
    try {
      Files.write(tmp, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes the model of a model directory (as {@link ModelFiles} reads it) to {@code file}, with
   * {@link #metadata} of its transform graph.
   */
  public static void exportDirectory(Path modelDir, Path file) throws IOException {
    try (Backend java = new org.millrace.trainer.backend.JavaBackend(1)) {
      ModelFiles.Loaded m = ModelFiles.read(modelDir, java, 1);
      write(m.network(), m.loss(), metadata(m.graph(), m.task()), file);
    }
  }

  /**
   * The metadata properties of an exported model: {@code millrace.task},
   * {@code millrace.feature_names} and {@code millrace.label_vocabulary} (JSON lists: what the
   * input columns and the output probabilities are), {@code millrace.transform_graph} (the JSON of
   * the preprocessing that turns raw rows into the input).
   */
  public static Map<String, String> metadata(Graph graph, org.millrace.api.model.Task task) {
    var m = new java.util.LinkedHashMap<String, String>();
    m.put("millrace.task", task.spelling());
    if (graph != null) {
      try {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        m.put("millrace.feature_names", json.writeValueAsString(graph.featureNames()));
        m.put("millrace.label_vocabulary", json.writeValueAsString(graph.labelVocabulary()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("BUG: a list of strings did not serialize: " + e, e);
      }
      m.put("millrace.transform_graph", graph.toJson());
    }
    return m;
  }

  private byte[] model(Network net, Loss loss, Map<String, String> metadata) {
    x = "features";
    shape = net.inputShape();
    flat = true;
    for (Layer layer : net.layers()) {
      layer(layer);
    }
    flatten();
    String out = loss == Loss.MSE ? "predictions" : "probabilities";
    String op = loss == Loss.SOFTMAX_CROSS_ENTROPY ? "Softmax" : loss == Loss.BINARY_CROSS_ENTROPY ? "Sigmoid"
        : "Identity";
    nodes.add(node(op, List.of(x), out, op.equals("Softmax") ? new Proto[] {intAttr("axis", 1)} : new Proto[0]));

    var graph = new Proto();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "millrace");
    initializers.forEach(t -> graph.message(5, t));
    graph.message(11, valueInfo("features", net.inputSize()));
    graph.message(12, valueInfo(out, net.outputSize()));
    var model = new Proto().varint(1, IR_VERSION).string(2, "millrace").string(3, "0.1.0")
        .message(7, graph).message(8, new Proto().string(1, "").varint(2, OPSET));
    metadata.forEach((k, v) -> model.message(14, new Proto().string(1, k).string(2, v)));
    return model.toByteArray();
  }

  private void layer(Layer layer) {
    Map<String, Object> config = layer.config();
    if (layer instanceof Dense d) {
      flatten();
      List<Param> p = d.params();
      x = op("MatMul", x, floats(p.get(0)));
      x = op("Add", x, floats(p.get(1)));
      shape = new int[] {d.units()};
      activation(d.activation());
    } else if (layer instanceof Conv2D) {
      images();
      List<Integer> k = intList(config.get("kernel_size"));
      int stride = ((Number) config.get("strides")).intValue();
      var g = ConvGeometry.of(shape[0], shape[1], shape[2], k.get(0), k.get(1), stride,
          "same".equals(config.get("padding")));
      List<Param> p = layer.params();
      int filters = p.get(1).shape().get(0);
      // (kh, kw, in, filters) -> ONNX's (filters, in, kh, kw).
      float[] kernel = backend.download(p.get(0).value());
      float[] w = new float[kernel.length];
      int c = g.channels();
      for (int y = 0; y < g.kh(); y++) {
        for (int xx = 0; xx < g.kw(); xx++) {
          for (int ch = 0; ch < c; ch++) {
            for (int f = 0; f < filters; f++) {
              w[((f * c + ch) * g.kh() + y) * g.kw() + xx] = kernel[((y * g.kw() + xx) * c + ch) * filters + f];
            }
          }
        }
      }
      int padBottom = Math.max(0, (g.outH() - 1) * stride + g.kh() - g.height() - g.padTop());
      int padRight = Math.max(0, (g.outW() - 1) * stride + g.kw() - g.width() - g.padLeft());
      String chw = op("Transpose", List.of(x), intsAttr("perm", 0, 3, 1, 2));
      String conv = op("Conv", List.of(chw, constant(w, filters, c, g.kh(), g.kw()), floats(p.get(1))),
          intsAttr("kernel_shape", g.kh(), g.kw()), intsAttr("strides", stride, stride),
          intsAttr("pads", g.padTop(), g.padLeft(), padBottom, padRight));
      x = op("Transpose", List.of(conv), intsAttr("perm", 0, 2, 3, 1));
      shape = new int[] {g.outH(), g.outW(), filters};
      activation(Activation.of((String) config.get("activation")));
    } else if (layer instanceof MaxPool2D) {
      images();
      List<Integer> k = intList(config.get("pool_size"));
      int stride = ((Number) config.get("strides")).intValue();
      var g = ConvGeometry.of(shape[0], shape[1], shape[2], k.get(0), k.get(1), stride, false);
      String chw = op("Transpose", List.of(x), intsAttr("perm", 0, 3, 1, 2));
      String pooled = op("MaxPool", List.of(chw), intsAttr("kernel_shape", g.kh(), g.kw()),
          intsAttr("strides", stride, stride));
      x = op("Transpose", List.of(pooled), intsAttr("perm", 0, 2, 3, 1));
      shape = new int[] {g.outH(), g.outW(), g.channels()};
    } else if (layer instanceof BatchNorm) {
      if (shape.length > 1) {
        images();
      }
      float epsilon = ((Number) config.get("epsilon")).floatValue();
      float[] gamma = backend.download(layer.params().get(0).value());
      float[] beta = backend.download(layer.params().get(1).value());
      float[] mean = backend.download(layer.state().get(0).value());
      float[] var = backend.download(layer.state().get(1).value());
      float[] scale = new float[gamma.length];
      float[] shift = new float[gamma.length];
      for (int i = 0; i < gamma.length; i++) {
        scale[i] = gamma[i] * (float) (1 / Math.sqrt(var[i] + epsilon));
        shift[i] = beta[i] - mean[i] * scale[i];
      }
      x = op("Mul", x, constant(scale, scale.length));
      x = op("Add", x, constant(shift, shift.length));
    } else if (layer instanceof ActivationLayer) {
      activation(Activation.of((String) config.get("activation")));
    } else if (layer instanceof Softmax) {
      flatten();
      x = op("Softmax", List.of(x), intAttr("axis", 1));
    } else if (layer instanceof Flatten) {
      flatten();
    } else if (layer instanceof Embedding e) {
      flatten();
      String ids = op("Cast", List.of(x), intAttr("to", INT64));
      Param table = e.params().get(0);
      x = op("Gather", List.of(floats(table), ids), intAttr("axis", 0));
      shape = new int[] {shape[0], table.shape().get(1)};
      flat = false;
    } else if (!(layer instanceof Dropout)) {
      throw new IllegalArgumentException("onnx export expected a layer it knows, got " + layer.type());
    }
  }

  private void activation(Activation a) {
    switch (a) {
      case LINEAR -> { }
      case RELU -> x = op("Relu", List.of(x));
      case LEAKY_RELU -> x = op("LeakyRelu", List.of(x), floatAttr("alpha", Activation.LEAK));
      case SIGMOID -> x = op("Sigmoid", List.of(x));
      case TANH -> x = op("Tanh", List.of(x));
      case GELU -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the approximation the trainer uses.
        String cube = op("Mul", op("Mul", x, x), x);
        String inner = op("Mul", op("Add", x, op("Mul", cube, scalar(0.044715f))), scalar(0.7978845608f));
        String half = op("Mul", x, scalar(0.5f));
        x = op("Mul", half, op("Add", op("Tanh", List.of(inner)), scalar(1f)));
      }
      default -> throw new IllegalArgumentException("onnx export expected a known activation, got " + a);
    }
  }

  /** Makes the current value batch x size. */
  private void flatten() {
    if (!flat) {
      x = op("Flatten", List.of(x), intAttr("axis", 1));
      flat = true;
    }
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    shape = new int[] {size};
  }

  /** Makes the current value batch x shape (images: batch x height x width x channels). */
  private void images() {
    if (flat) {
      long[] dims = new long[shape.length + 1];
      dims[0] = -1;
      for (int i = 0; i < shape.length; i++) {
        dims[i + 1] = shape[i];
      }
      x = op("Reshape", x, longs(dims));
      flat = false;
    }
  }

  private String op(String type, String a, String b) {
    return op(type, List.of(a, b));
  }

  private String op(String type, List<String> inputs, Proto... attributes) {
    String out = "v" + counter++;
    nodes.add(node(type, inputs, out, attributes));
    return out;
  }

  private Proto node(String type, List<String> inputs, String output, Proto... attributes) {
    var n = new Proto();
    inputs.forEach(i -> n.string(1, i));
    n.string(2, output);
    n.string(3, type + "_" + nodes.size());
    n.string(4, type);
    for (Proto a : attributes) {
      n.message(5, a);
    }
    return n;
  }

  private String floats(Param p) {
    int[] dims = p.shape().stream().mapToInt(Integer::intValue).toArray();
    return constant(backend.download(p.value()), dims);
  }

  private String scalar(float v) {
    return constant(new float[] {v});
  }

  private String constant(float[] values, int... dims) {
    String name = "c" + counter++;
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    var t = new Proto();
    for (int d : dims) {
      t.varint(1, d);
    }
    initializers.add(t.varint(2, FLOAT).string(8, name).bytes(9, b.array()));
    return name;
  }

  private String longs(long[] values) {
    String name = "c" + counter++;
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    initializers.add(new Proto().varint(1, values.length).varint(2, INT64).string(8, name).bytes(9, b.array()));
    return name;
  }

  /** A float tensor's value info: batch (symbolic) x size. */
  private static Proto valueInfo(String name, int size) {
    var dims = new Proto().message(1, new Proto().string(2, "batch")).message(1, new Proto().varint(1, size));
    var tensor = new Proto().varint(1, FLOAT).message(2, dims);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
  }

  private static Proto intAttr(String name, long v) {
    return new Proto().string(1, name).varint(3, v).varint(20, 2);
  }

  private static Proto floatAttr(String name, float v) {
    return new Proto().string(1, name).float32(2, v).varint(20, 1);
  }

  private static Proto intsAttr(String name, long... vs) {
    var a = new Proto().string(1, name);
    for (long v : vs) {
      a.varint(8, v);
    }
    return a.varint(20, 7);
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> intList(Object o) {
    return ((List<Number>) o).stream().map(Number::intValue).toList();
  }
}
