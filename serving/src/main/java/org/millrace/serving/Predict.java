package org.millrace.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.millrace.api.data.FeatureType;
import org.millrace.serving.ModelRepository.Servable;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.graph.InputFeature;
import org.millrace.trainer.model.ModelRuntime;

/**
 * The predict API of TF Serving's REST interface on a millrace model: a request in the row format
 * ({@code {"instances": [{feature: value, ...}, ...]}}) or the columnar format
 * ({@code {"inputs": {feature: [values...], ...}}}) of raw features, answered with
 * {@code {"predictions": [...]}} or {@code {"outputs": ...}} in the same shape. Raw rows go
 * through the model's embedded transform graph, the code that transformed the training data.
 *
 * <p>A classifier's prediction is {@code {"probabilities": [...], "class_id": i, "class": label}}
 * (probabilities in the order of the label vocabulary); a regressor's is its number.
 */
final class Predict {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** A JSON number, for the hint to a number sent in quotes. */
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?");

  private Predict() {}

  /** A request that cannot be answered: the HTTP status and the message of the error body. */
  static final class RequestException extends RuntimeException {
    final int status;

    RequestException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** Raw rows of a request, and whether it came in the columnar format. */
  record Parsed(List<Map<String, Object>> rows, boolean columnar) {}

  /** The rows of a predict request body, checked against the model's raw features. */
  static Parsed parse(JsonNode body, Graph graph, int maxRows) {
    if (!body.isObject()) {
      throw new RequestException(400, "predict request expected a JSON object with \"instances\" or \"inputs\", got "
          + kind(body));
    }
    Map<String, InputFeature> features = new HashMap<>();
    Set<String> allowed = new LinkedHashSet<>();
    for (InputFeature f : graph.inputs()) {
      features.put(f.name(), f);
      allowed.add(f.name());
    }
    String label = graph.labelFeature().orElse(null);
    // A data lake's whole row is a request too: the label and the columns the Transform left out are ignored.
    Set<String> ignored = new LinkedHashSet<>(graph.ignoredInputs());
    if (label != null) {
      ignored.add(label);
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("instances") && !key.equals("inputs") && !key.equals("signature_name")) {
        throw new RequestException(400, "predict request expected the keys instances or inputs (and signature_name),"
            + " got '" + key + "'");
      }
    }
    JsonNode signature = body.get("signature_name");
    if (signature != null && !signature.asText().equals("serving_default") && !signature.asText().isEmpty()) {
      throw new RequestException(400, "signature_name expected serving_default (the only signature) or \"\", got "
          + signature);
    }
    boolean hasInstances = body.has("instances");
    if (hasInstances == body.has("inputs")) {
      throw new RequestException(400, "predict request expected exactly one of \"instances\" (rows) and \"inputs\""
          + " (columns), got " + (hasInstances ? "both" : "neither"));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    if (hasInstances) {
      JsonNode instances = body.get("instances");
      if (!instances.isArray()) {
        throw new RequestException(400, "instances expected an array of objects (one per row), got " + kind(instances));
      }
      checkCount(instances.size(), maxRows, "instances");
      for (int i = 0; i < instances.size(); i++) {
        JsonNode row = instances.get(i);
        String where = "instances[" + i + "]";
        if (!row.isObject()) {
          throw new RequestException(400, where + " expected an object of raw features " + allowed + ", got "
              + kind(row));
        }
        var values = new HashMap<String, Object>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
          var e = it.next();
          checkKnown(e.getKey(), allowed, ignored, label, where);
          values.put(e.getKey(), value(e.getValue(), features.get(e.getKey()), where, where + "." + e.getKey()));
        }
        if (values.keySet().stream().noneMatch(allowed::contains)) {
          // Missing features are filled as in training, but a row with none is a client's mistake
          // (as an empty inputs object is), not a row to answer with the training means.
          throw new RequestException(400, where + " expected at least one feature of " + allowed + ", got none");
        }
        rows.add(values);
      }
    } else {
      JsonNode inputs = body.get("inputs");
      if (!inputs.isObject()) {
        throw new RequestException(400, "inputs expected an object of feature -> array of values, got "
            + kind(inputs));
      }
      var given = new java.util.ArrayList<String>();
      inputs.fieldNames().forEachRemaining(given::add);
      given.forEach(g -> checkKnown(g, allowed, ignored, label, "inputs"));
      if (given.stream().noneMatch(allowed::contains)) {
        // No feature at all (or the label alone), as for a row: a client's mistake, not rows of means.
        throw new RequestException(400, "inputs expected at least one feature of " + allowed + ", got none");
      }
      int count = -1;
      String first = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = inputs.fields(); it.hasNext(); ) {
        var e = it.next();
        checkKnown(e.getKey(), allowed, ignored, label, "inputs");
        JsonNode column = e.getValue();
        int n = column.isArray() ? column.size() : 1;
        if (count >= 0 && n != count) {
          throw new RequestException(400, "inputs." + e.getKey() + " expected " + count + " values (as many as inputs."
              + first + "), got " + n);
        }
        if (count < 0) {
          count = n;
          first = e.getKey();
          checkCount(count, maxRows, "inputs");
          for (int r = 0; r < count; r++) {
            rows.add(new HashMap<>());
          }
        }
        for (int r = 0; r < n; r++) {
          JsonNode v = column.isArray() ? column.get(r) : column;
          rows.get(r).put(e.getKey(), value(v, features.get(e.getKey()), "inputs row " + r,
              "inputs." + e.getKey() + "[" + r + "]"));
        }
      }
    }
    return new Parsed(rows, !hasInstances);
  }

  /** Runs the model on parsed rows, its forward pass on {@code inference}; the response body. */
  static ObjectNode run(Servable s, Parsed request, Inference inference) {
    ModelRuntime rt = s.runtime();
    Graph graph = rt.graph();
    int rows = request.rows().size();
    int dim = graph.featureDim();
    float[] features = new float[rows * dim];
    for (int r = 0; r < rows; r++) {
      float[] f;
      try {
        f = graph.applyRow(request.rows().get(r));
      } catch (IllegalArgumentException e) {
        throw new RequestException(400, (request.columnar() ? "inputs row " : "instances[") + r
            + (request.columnar() ? "" : "]") + ": " + e.getMessage());
      }
      System.arraycopy(f, 0, features, r * dim, dim);
    }
    float[] out;
    try {
      out = rows == 0 ? new float[0] : inference.predict(features, rows);
    } catch (IllegalArgumentException e) {
      // E.g. an embedding id out of range (a category the vocabulary has no bucket for): find the row.
      for (int r = 0; r < rows; r++) {
        try {
          inference.predict(java.util.Arrays.copyOfRange(features, r * dim, (r + 1) * dim), 1);
        } catch (IllegalArgumentException bad) {
          throw new RequestException(400, (request.columnar() ? "inputs row " + r : "instances[" + r + "]")
              + ": the model cannot take this row: " + bad.getMessage());
        }
      }
      throw new RequestException(400, "the model cannot take these rows: " + e.getMessage());
    }
    int width = rt.outputWidth();
    boolean classification = rt.task() == org.millrace.api.model.Task.CLASSIFICATION;
    List<String> vocabulary = rt.labelVocabulary();
    ObjectNode body = NODES.objectNode();
    if (!classification) {
      ArrayNode values = NODES.arrayNode();
      for (int r = 0; r < rows; r++) {
        if (width == 1) {
          values.add(out[r]);
        } else {
          ArrayNode v = values.addArray();
          for (int j = 0; j < width; j++) {
            v.add(out[r * width + j]);
          }
        }
      }
      body.set(request.columnar() ? "outputs" : "predictions", values);
      return body;
    }
    ArrayNode perRow = NODES.arrayNode();
    ArrayNode probabilities = NODES.arrayNode();
    ArrayNode classIds = NODES.arrayNode();
    ArrayNode classes = NODES.arrayNode();
    for (int r = 0; r < rows; r++) {
      float[] p = width == 1 ? new float[] {1 - out[r], out[r]} : java.util.Arrays.copyOfRange(out, r * width,
          (r + 1) * width);
      int best = 0;
      for (int j = 1; j < p.length; j++) {
        if (p[j] > p[best]) {
          best = j;
        }
      }
      ArrayNode probs = NODES.arrayNode();
      for (float v : p) {
        probs.add(v);
      }
      String name = best < vocabulary.size() ? vocabulary.get(best) : Integer.toString(best);
      if (request.columnar()) {
        probabilities.add(probs);
        classIds.add(best);
        classes.add(name);
      } else {
        ObjectNode o = perRow.addObject();
        o.set("probabilities", probs);
        o.put("class_id", best);
        o.put("class", name);
      }
    }
    if (request.columnar()) {
      ObjectNode outputs = body.putObject("outputs");
      outputs.set("probabilities", probabilities);
      outputs.set("class_id", classIds);
      outputs.set("class", classes);
    } else {
      body.set("predictions", perRow);
    }
    return body;
  }

  private static void checkCount(int n, int maxRows, String what) {
    if (n > maxRows) {
      throw new RequestException(413, what + " expected at most " + maxRows + " rows per request, got " + n
          + " (split the request, or start the server with a larger --max-rows)");
    }
  }

  private static void checkKnown(String key, Set<String> allowed, Set<String> ignored, String label, String where) {
    if (!allowed.contains(key) && !ignored.contains(key)) {
      var others = new java.util.ArrayList<>(ignored);
      others.remove(label);
      throw new RequestException(400, where + " has unknown feature '" + key + "': the model reads " + allowed
          + (label == null ? "" : " (and ignores its label '" + label + "'" + (others.isEmpty() ? ""
              : " and the columns it was trained beside without reading, " + others) + ")"));
    }
  }

  /**
   * A raw value as the transform graph reads it (Long, Double, String, Boolean or null), checked
   * against the type of its {@code feature} (null for the label, which is ignored): the graph would
   * take a boolean as 0/1, cut a fraction for an int feature and print a number as a category.
   * {@code row} names the row, {@code where} the value's place in the body.
   */
  private static Object value(JsonNode v, InputFeature feature, String row, String where) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isContainerNode()) {
      throw new RequestException(400, where + " expected a number, string, boolean or null, got " + kind(v));
    }
    if (feature == null) {
      return scalar(v);
    }
    Object value = switch (feature.type()) {
      case FLOAT -> v.isNumber() ? scalar(v) : null;
      case INT -> integral(v);
      case STRING -> v.isTextual() ? v.textValue() : null;
      case BOOL -> v.isBoolean() ? v.booleanValue() : null;
    };
    if (value == null) {
      throw new RequestException(400, row + ": feature '" + feature.name() + "' expected " + expected(feature)
          + ", got " + kind(v) + hint(v, feature));
    }
    return value;
  }

  private static Object scalar(JsonNode v) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    return v.booleanValue();
  }

  /**
   * An int feature's value: a JSON integer within int64, or a number without a fraction (181.0, as
   * clients that write every number as a double send it), as a Long; null for anything else.
   */
  private static Long integral(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? v.longValue() : null;
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      // 2^63 is the first double above Long.MAX_VALUE; -2^63 is Long.MIN_VALUE itself.
      if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
        return (long) d;
      }
    }
    return null;
  }

  private static String expected(InputFeature feature) {
    return switch (feature.type()) {
      case FLOAT -> "a number (a float feature)";
      case INT -> "an integer (an int feature, int64)";
      case STRING -> "a string (a string feature)";
      case BOOL -> "true or false (a bool feature)";
    };
  }

  private static String hint(JsonNode v, InputFeature feature) {
    if (v.isTextual() && feature.type() != FeatureType.STRING && feature.type() != FeatureType.BOOL && NUMBER.matcher(v.textValue().trim()).matches()) {
      return ". Send the number without quotes";
    }
    if (v.isTextual() && feature.type() == FeatureType.BOOL && v.textValue().matches("true|false")) {
      return ". Send " + v.textValue() + " without quotes";
    }
    if (v.isNumber() && feature.type() == FeatureType.INT) {
      return v.doubleValue() == Math.rint(v.doubleValue()) ? ", outside int64"
          : ". A fraction is not rounded; a whole number may be written 3 or 3.0";
    }
    if (v.isNumber() && feature.type() == FeatureType.STRING) {
      return ". Send the category as a string, in quotes";
    }
    return "";
  }

  static String kind(JsonNode v) {
    if (v.isArray()) {
      return "an array";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isTextual()) {
      return "the string \"" + v.textValue() + "\"";
    }
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + v;
  }
}
