package org.millrace.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.model.Task;
import org.millrace.api.spec.ParameterException;
import org.millrace.trainer.io.SafeTensors;
import org.millrace.transform.graph.Graph;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.nn.Layer;
import org.millrace.trainer.nn.LayerSpec;
import org.millrace.trainer.nn.Layers;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Param;

/**
 * Writes and reads model directories ({@code model.json} + {@code model.safetensors}), validating
 * everything: the one owner of {@code model.json}'s format (serving, the evaluator's
 * {@link TrainerModelLoader} and the CLI go through it; {@code ModelJsonGoldenTest} pins its bytes).
 */
public final class ModelFiles {
  public static final String MODEL_JSON = "model.json";
  public static final String WEIGHTS = "model.safetensors";
  /** 2: any layer type, {@code input_shape}, per-layer {@code tensors}; version 1 (dense only) still loads. */
  public static final int FORMAT_VERSION = 2;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFiles() {}

  /** A model as loaded: the network, its loss and task, the embedded graph (if any), and provenance. */
  public record Loaded(Network network, Loss loss, Task task, List<String> labelVocabulary, Graph graph,
      JsonNode provenance) {}

  public static void write(Path dir, Network net, Loss loss, Graph graph, Map<String, Object> provenance)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "millrace-model");
    root.put("format_version", FORMAT_VERSION);
    root.put("task", (graph == null ? (loss == Loss.MSE ? Task.REGRESSION : Task.CLASSIFICATION) : graph.task()).spelling());
    root.put("loss", loss.label());
    ObjectNode label = root.putObject("label");
    if (graph != null) {
      graph.labelFeature().ifPresent(f -> label.put("feature", f));
      var vocab = label.putArray("vocabulary");
      graph.labelVocabulary().forEach(vocab::add);
      ObjectNode sig = root.putObject("signature");
      var inputs = sig.putArray("inputs");
      graph.inputs().forEach(i -> inputs.addObject().put("name", i.name()).put("type", i.type().label()));
      sig.put("outputs", graph.task() == Task.CLASSIFICATION ? "probabilities" : "value");
    }
    root.put("input_dim", net.inputSize());
    var shape = root.putArray("input_shape");
    for (int d : net.inputShape()) {
      shape.add(d);
    }
    var layers = root.putArray("layers");
    var tensors = new LinkedHashMap<String, SafeTensors.Tensor>();
    var backend = net.backend();
    for (Layer l : net.layers()) {
      ObjectNode node = JSON.valueToTree(l.config());
      ObjectNode refs = node.putObject("tensors");
      var all = new ArrayList<Param>(l.params());
      all.addAll(l.state());
      for (Param p : all) {
        refs.put(p.name().substring(p.name().lastIndexOf('.') + 1), p.name());
        tensors.put(p.name(), new SafeTensors.Tensor(p.shape(), backend.download(p.value())));
      }
      layers.add(node);
    }
    if (graph != null) {
      root.set("transform", JSON.readTree(graph.toJson()));
    }
    root.set("provenance", JSON.valueToTree(provenance));
    SafeTensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "millrace-model"));
    JSON.writeValue(dir.resolve(MODEL_JSON).toFile(), root);
  }

  /** Whether {@code dir} holds a millrace model (a {@code model.json} of format {@code millrace-model}). */
  public static boolean isModel(Path dir) {
    Path json = dir.resolve(MODEL_JSON);
    if (!Files.isRegularFile(json)) {
      return false;
    }
    try {
      return "millrace-model".equals(JSON.readTree(json.toFile()).path("format").asText());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A model's {@code model.json} as a tree, for callers that show it (serving's metadata), checked
   * as {@link #read} checks it: a millrace model of a format version this code reads.
   */
  public static JsonNode metadata(Path dir) throws IOException {
    Path json = dir.resolve(MODEL_JSON);
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException("model directory " + dir + " expected " + MODEL_JSON + ", got none");
    }
    JsonNode root = JSON.readTree(json.toFile());
    checkFormat(json, root);
    return root;
  }

  private static void checkFormat(Path json, JsonNode root) {
    if (!"millrace-model".equals(root.path("format").asText())) {
      throw new IllegalArgumentException(json + ": format expected millrace-model, got " + root.path("format"));
    }
    int version = root.path("format_version").asInt(-1);
    if (version > FORMAT_VERSION) {
      throw new IllegalArgumentException(json + ": format_version expected at most " + FORMAT_VERSION + ", got " + version
          + " (written by a newer millrace; upgrade to load it)");
    }
  }

  /** Loads a model directory onto {@code backend}, its network built for batches of up to {@code maxRows}. */
  public static Loaded read(Path dir, Backend backend, int maxRows) throws IOException {
    Path json = dir.resolve(MODEL_JSON);
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException("model directory " + dir + " expected " + MODEL_JSON + ", got none");
    }
    JsonNode root = JSON.readTree(json.toFile());
    checkFormat(json, root);
    int version = root.path("format_version").asInt(-1);
    if (version < 1) {
      throw new IllegalArgumentException(json + ": format_version expected 1 or 2, got " + root.path("format_version"));
    }
    Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(dir.resolve(WEIGHTS));
    var layers = new ArrayList<Layer>();
    // For each configured layer, the tensor names its parameters are read from (by parameter suffix).
    var refs = new ArrayList<Map<String, String>>();
    int i = 0;
    for (JsonNode l : root.path("layers")) {
      String where = json + " layers[" + i + "]";
      Map<String, Object> config = new LinkedHashMap<>();
      Map<String, String> names = new LinkedHashMap<>();
      if (version == 1) {
        String type = l.path("type").asText();
        if (!type.equals("dense")) {
          throw new IllegalArgumentException(where + ": type expected dense, got '" + type + "'");
        }
        config.put("type", "dense");
        config.put("units", l.path("out").asInt());
        config.put("activation", l.path("activation").asText());
        config.put("dropout", l.path("dropout").asDouble());
        names.put("kernel", l.path("kernel").asText());
        names.put("bias", l.path("bias").asText());
      } else {
        l.fields().forEachRemaining(e -> {
          if (e.getKey().equals("tensors")) {
            e.getValue().fields().forEachRemaining(t -> names.put(t.getKey(), t.getValue().asText()));
          } else {
            config.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
          }
        });
      }
      // The same records as trainer parameters' layers: model.json stores each layer's config() as built.
      List<Layer> created = Layers.create(LayerSpec.parse(config, where));
      layers.addAll(created);
      refs.add(names);
      for (int k = 1; k < created.size(); k++) {
        refs.add(Map.of());
      }
      i++;
    }
    int[] inputShape;
    if (root.has("input_shape")) {
      inputShape = new int[root.get("input_shape").size()];
      for (int k = 0; k < inputShape.length; k++) {
        inputShape[k] = root.get("input_shape").get(k).asInt();
      }
    } else {
      inputShape = new int[] {root.path("input_dim").asInt()};
    }
    Network net;
    try {
      net = new Network(inputShape, layers);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
    }
    net.build(backend, maxRows);
    for (int k = 0; k < layers.size(); k++) {
      Layer l = layers.get(k);
      var all = new ArrayList<Param>(l.params());
      all.addAll(l.state());
      for (Param p : all) {
        String suffix = p.name().substring(p.name().lastIndexOf('.') + 1);
        String name = refs.get(k).get(suffix);
        if (name == null) {
          throw new IllegalArgumentException(json + " layers (" + l.type() + "): tensors expected an entry for '"
              + suffix + "', got " + refs.get(k).keySet());
        }
        backend.upload(data(tensors, name, p.shape(), dir), p.value());
      }
    }
    Graph graph = root.has("transform") ? Graph.fromJson(JSON.writeValueAsString(root.get("transform"))) : null;
    if (graph != null && graph.featureDim() != net.inputSize()) {
      throw new IllegalArgumentException(json + ": input_dim expected " + graph.featureDim()
          + " (the transform graph's outputs), got " + net.inputSize());
    }
    var vocab = new ArrayList<String>();
    root.path("label").path("vocabulary").forEach(v -> vocab.add(v.asText()));
    return new Loaded(net, Loss.of(root.path("loss").asText()), task(root, json), vocab, graph,
        root.path("provenance"));
  }

  /** The task model.json names, read once; a missing or unknown one fails naming the file. */
  private static Task task(JsonNode root, Path json) {
    try {
      return Task.parse(root.path("task").isTextual() ? root.path("task").asText() : null, "task");
    } catch (ParameterException e) {
      throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
    }
  }

  private static float[] data(Map<String, SafeTensors.Tensor> tensors, String name, List<Integer> shape, Path dir) {
    SafeTensors.Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": tensor '" + name + "' expected, got none (tensors: "
          + tensors.keySet() + ")");
    }
    if (!t.shape().equals(shape)) {
      throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": tensor '" + name + "' expected shape " + shape
          + ", got " + t.shape());
    }
    return t.data();
  }
}
