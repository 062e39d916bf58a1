package org.millrace.transform.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.millrace.api.data.FeatureType;
import org.millrace.api.model.Task;

/**
 * The {@code transform_graph.json} format (version 1): {@code format}, {@code format_version},
 * {@code nan_policy}, {@code inputs} [{name, type}], {@code ignored_inputs} [names] (columns the
 * graph was fitted beside and does not read; absent when none), {@code features} [{name, sources,
 * categorical, ops: [{op, ...constants}], outputs}], {@code label} {feature, task, type,
 * vocabulary} or null, and {@code output_schema} {dim, names}. Outputs and the output schema are
 * written for readers and checked on read.
 */
final class GraphJson {
  static final String FORMAT = "millrace.transform_graph";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private GraphJson() {}

  static String toJson(Graph g) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", Graph.FORMAT_VERSION);
    root.put("nan_policy", g.nanPolicy());
    ArrayNode inputs = root.putArray("inputs");
    for (InputFeature f : g.inputs()) {
      inputs.addObject().put("name", f.name()).put("type", f.type().label());
    }
    if (!g.ignoredInputs().isEmpty()) {
      g.ignoredInputs().forEach(root.putArray("ignored_inputs")::add);
    }
    ArrayNode features = root.putArray("features");
    for (FeaturePipeline p : g.pipelines()) {
      ObjectNode n = features.addObject();
      n.put("name", p.name());
      p.sources().forEach(n.putArray("sources")::add);
      n.put("categorical", p.categorical());
      ArrayNode ops = n.putArray("ops");
      p.ops().forEach(op -> writeOp(ops.addObject(), op));
      p.outputNames().forEach(n.putArray("outputs")::add);
    }
    if (g.label().isPresent()) {
      LabelSpec l = g.label().get();
      ObjectNode n = root.putObject("label");
      n.put("feature", l.feature()).put("task", l.task().spelling()).put("type", l.type().label());
      l.vocabulary().forEach(n.putArray("vocabulary")::add);
    } else {
      root.putNull("label");
    }
    ObjectNode out = root.putObject("output_schema");
    out.put("dim", g.featureDim());
    g.featureNames().forEach(out.putArray("names")::add);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: graph not serializable: " + e, e);
    }
  }

  static void writeOp(ObjectNode n, GraphOp op) {
    n.put("op", op.op());
    if (op instanceof GraphOp.FillMissing f) {
      n.put("strategy", f.strategy());
      if (f.number() != null) {
        n.put("value", f.number());
      } else {
        n.put("value", f.string());
      }
      n.put("indicator", f.indicator());
    } else if (op instanceof GraphOp.ZScore z) {
      n.put("mean", z.mean()).put("std", z.std());
    } else if (op instanceof GraphOp.MinMax m) {
      n.put("min", m.min()).put("max", m.max());
    } else if (op instanceof GraphOp.Clip c) {
      if (c.min() != null) {
        n.put("min", c.min());
      }
      if (c.max() != null) {
        n.put("max", c.max());
      }
    } else if (op instanceof GraphOp.Bucketize b) {
      b.boundaries().forEach(n.putArray("boundaries")::add);
    } else if (op instanceof GraphOp.Vocabulary v) {
      n.put("num_oov_buckets", v.numOovBuckets());
      v.terms().forEach(n.putArray("terms")::add);
    } else if (op instanceof GraphOp.Hash h) {
      n.put("buckets", h.buckets());
    }
  }

  static Graph fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("transform graph expected JSON, got a parse error: " + e.getOriginalMessage(), e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException("transform graph expected format '" + FORMAT + "', got '"
          + (root == null ? null : root.path("format").asText()) + "'");
    }
    int version = root.path("format_version").asInt(-1);
    if (version != Graph.FORMAT_VERSION) {
      throw new IllegalArgumentException("transform graph expected format_version " + Graph.FORMAT_VERSION
          + ", got " + root.path("format_version") + ". Re-run Transform with this millrace version.");
    }
    var inputs = new ArrayList<InputFeature>();
    for (JsonNode n : req(root, "inputs")) {
      inputs.add(new InputFeature(text(n, "name"), type(text(n, "type"))));
    }
    var ignored = new ArrayList<String>();
    root.path("ignored_inputs").forEach(n -> ignored.add(n.asText()));
    var pipelines = new ArrayList<FeaturePipeline>();
    for (JsonNode n : req(root, "features")) {
      var sources = new ArrayList<String>();
      req(n, "sources").forEach(s -> sources.add(s.asText()));
      var ops = new ArrayList<GraphOp>();
      for (JsonNode o : req(n, "ops")) {
        ops.add(readOp(o));
      }
      pipelines.add(new FeaturePipeline(text(n, "name"), sources, req(n, "categorical").asBoolean(), ops));
    }
    LabelSpec label = null;
    JsonNode l = root.path("label");
    if (l.isObject()) {
      var vocab = new ArrayList<String>();
      l.path("vocabulary").forEach(v -> vocab.add(v.asText()));
      label = new LabelSpec(text(l, "feature"), Task.parse(text(l, "task"), "label.task"), type(text(l, "type")), vocab);
    }
    Graph g = new Graph(inputs, ignored, pipelines, label, text(root, "nan_policy"));
    var names = new ArrayList<String>();
    root.path("output_schema").path("names").forEach(v -> names.add(v.asText()));
    if (!names.equals(g.featureNames())) {
      throw new IllegalArgumentException("transform graph output_schema.names expected " + g.featureNames()
          + " (from the ops), got " + names);
    }
    return g;
  }

  static GraphOp readOp(JsonNode o) {
    String op = text(o, "op");
    switch (op) {
      case "fill_missing": {
        JsonNode v = req(o, "value");
        return new GraphOp.FillMissing(text(o, "strategy"), v.isNumber() ? v.asDouble() : null,
            v.isNumber() ? null : v.asText(), o.path("indicator").asBoolean(false));
      }
      case "zscore":
        return new GraphOp.ZScore(req(o, "mean").asDouble(), req(o, "std").asDouble());
      case "min_max":
        return new GraphOp.MinMax(req(o, "min").asDouble(), req(o, "max").asDouble());
      case "log1p":
        return new GraphOp.Log1p();
      case "clip":
        return new GraphOp.Clip(o.has("min") ? o.get("min").asDouble() : null, o.has("max") ? o.get("max").asDouble() : null);
      case "bucketize": {
        var b = new ArrayList<Double>();
        req(o, "boundaries").forEach(x -> b.add(x.asDouble()));
        return new GraphOp.Bucketize(b);
      }
      case "vocabulary": {
        var t = new ArrayList<String>();
        req(o, "terms").forEach(x -> t.add(x.asText()));
        return new GraphOp.Vocabulary(t, req(o, "num_oov_buckets").asInt());
      }
      case "hash":
        return new GraphOp.Hash(req(o, "buckets").asInt());
      case "one_hot":
        return new GraphOp.OneHot();
      default:
        throw new IllegalArgumentException("transform graph op expected one of fill_missing, zscore, min_max, log1p, "
            + "clip, bucketize, vocabulary, hash, one_hot, got '" + op + "'");
    }
  }

  private static JsonNode req(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("transform graph expected key '" + key + "' in " + abbreviate(n) + ", got none");
    }
    return v;
  }

  private static String text(JsonNode n, String key) {
    return req(n, key).asText();
  }

  private static FeatureType type(String label) {
    try {
      return FeatureType.valueOf(label.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("transform graph type expected int, float, string or bool, got '" + label + "'", e);
    }
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  static List<String> opNames() {
    return List.of("fill_missing", "zscore", "min_max", "log1p", "clip", "bucketize", "vocabulary", "hash", "one_hot");
  }
}
