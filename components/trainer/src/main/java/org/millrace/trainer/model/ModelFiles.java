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
import org.millrace.transform.graph.Graph;
import org.millrace.trainer.backend.MatMul;
import org.millrace.trainer.nn.Activation;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Loss;
import org.millrace.trainer.nn.Network;

/** Writes and reads model directories ({@code model.json} + {@code model.safetensors}), validating everything. */
public final class ModelFiles {
  public static final String MODEL_JSON = "model.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFiles() {}

  /** A model as loaded: the network, its loss and task, the embedded graph (if any), and provenance. */
  public record Loaded(Network network, Loss loss, String task, List<String> labelVocabulary, Graph graph,
      JsonNode provenance) {}

  public static void write(Path dir, Network net, Loss loss, Graph graph, Map<String, Object> provenance)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "millrace-model");
    root.put("format_version", FORMAT_VERSION);
    root.put("task", graph == null ? (loss == Loss.MSE ? "regression" : "classification") : graph.task());
    root.put("loss", loss.label());
    ObjectNode label = root.putObject("label");
    if (graph != null) {
      graph.labelFeature().ifPresent(f -> label.put("feature", f));
      var vocab = label.putArray("vocabulary");
      graph.labelVocabulary().forEach(vocab::add);
      ObjectNode sig = root.putObject("signature");
      var inputs = sig.putArray("inputs");
      graph.inputs().forEach(i -> inputs.addObject().put("name", i.name()).put("type", i.type().label()));
      sig.put("outputs", graph.task().equals("classification") ? "probabilities" : "value");
    }
    root.put("input_dim", net.inputSize());
    var layers = root.putArray("layers");
    var tensors = new LinkedHashMap<String, SafeTensors.Tensor>();
    for (int i = 0; i < net.layers().size(); i++) {
      Dense l = net.layers().get(i);
      String w = "layers." + i + ".kernel";
      String b = "layers." + i + ".bias";
      layers.addObject().put("type", "dense").put("in", l.in()).put("out", l.out())
          .put("activation", l.activation().label()).put("dropout", l.dropout()).put("kernel", w).put("bias", b);
      tensors.put(w, new SafeTensors.Tensor(List.of(l.in(), l.out()), l.weights()));
      tensors.put(b, new SafeTensors.Tensor(List.of(l.out()), l.bias()));
    }
    if (graph != null) {
      root.set("transform", JSON.readTree(graph.toJson()));
    }
    root.set("provenance", JSON.valueToTree(provenance));
    SafeTensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "millrace-model"));
    JSON.writeValue(dir.resolve(MODEL_JSON).toFile(), root);
  }

  public static Loaded read(Path dir, MatMul mm) throws IOException {
    Path json = dir.resolve(MODEL_JSON);
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException("model directory " + dir + " expected " + MODEL_JSON + ", got none");
    }
    JsonNode root = JSON.readTree(json.toFile());
    int version = root.path("format_version").asInt(-1);
    if (version > FORMAT_VERSION) {
      throw new IllegalArgumentException(json + ": format_version expected at most " + FORMAT_VERSION + ", got " + version
          + " (written by a newer millrace; upgrade to load it)");
    }
    if (version < 1) {
      throw new IllegalArgumentException(json + ": format_version expected 1, got " + root.path("format_version"));
    }
    Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(dir.resolve(WEIGHTS));
    var layers = new ArrayList<Dense>();
    int i = 0;
    for (JsonNode l : root.path("layers")) {
      String where = json + " layers[" + i + "]";
      String type = l.path("type").asText();
      if (!type.equals("dense")) {
        throw new IllegalArgumentException(where + ": type expected dense, got '" + type + "'");
      }
      var d = new Dense(l.path("in").asInt(), l.path("out").asInt(), Activation.of(l.path("activation").asText()),
          (float) l.path("dropout").asDouble());
      fill(d.weights(), tensors, l.path("kernel").asText(), List.of(d.in(), d.out()), dir);
      fill(d.bias(), tensors, l.path("bias").asText(), List.of(d.out()), dir);
      layers.add(d);
      i++;
    }
    Network net = new Network(layers, mm);
    Graph graph = root.has("transform") ? Graph.fromJson(JSON.writeValueAsString(root.get("transform"))) : null;
    if (graph != null && graph.featureDim() != net.inputSize()) {
      throw new IllegalArgumentException(json + ": input_dim expected " + graph.featureDim()
          + " (the transform graph's outputs), got " + net.inputSize());
    }
    var vocab = new ArrayList<String>();
    root.path("label").path("vocabulary").forEach(v -> vocab.add(v.asText()));
    return new Loaded(net, Loss.of(root.path("loss").asText()), root.path("task").asText(), vocab, graph,
        root.path("provenance"));
  }

  private static void fill(float[] target, Map<String, SafeTensors.Tensor> tensors, String name, List<Integer> shape,
      Path dir) {
    SafeTensors.Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": tensor '" + name + "' expected, got none (tensors: "
          + tensors.keySet() + ")");
    }
    if (!t.shape().equals(shape)) {
      throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": tensor '" + name + "' expected shape " + shape
          + ", got " + t.shape());
    }
    System.arraycopy(t.data(), 0, target, 0, target.length);
  }
}
