package org.millrace.trainer.nn;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.millrace.api.spec.ParameterException;

/**
 * One layer of a stack, as configured in trainer parameters' {@code layers} (YAML or the DSL) and
 * in model.json, Keras-style: {@code {type: conv2d, filters: 16, kernel_size: 3, activation: relu}}.
 * Parsed once, by {@link #parse} (which Jackson calls when parameters bind), into one immutable
 * record per layer type; {@link Layers#create} builds the network layers from the record.
 *
 * <p>A record keeps each value as it was written: a number as the integer or decimal given, a
 * {@link Pair} as one integer or a list of two, an activation in the case given, an unset key
 * null. {@link #config()} (its JSON form) is therefore exactly the map it was parsed from, so the
 * canonical parameters, and the cache keys computed from them, are those of the map as written.
 * Accessors such as {@link Dense#unitCount()} give the values typed for building.
 */
@JsonDeserialize(using = LayerSpec.Deserializer.class)
public sealed interface LayerSpec {
  /** The keys each layer type takes besides {@code type}. */
  Map<String, Set<String>> KEYS = Map.of(
      "dense", Set.of("units", "activation", "dropout"),
      "activation", Set.of("activation"),
      "softmax", Set.of(),
      "dropout", Set.of("rate"),
      "batch_norm", Set.of("momentum", "epsilon"),
      "embedding", Set.of("input_dim", "output_dim"),
      "conv2d", Set.of("filters", "kernel_size", "strides", "padding", "activation"),
      "max_pool2d", Set.of("pool_size", "strides"),
      "flatten", Set.of());

  /** The layer type as written in {@code type:}, e.g. {@code conv2d}. */
  String type();

  /** The configuration as written: {@code type} and every key that was set, nothing defaulted. */
  @JsonValue
  Map<String, Object> config();

  /**
   * Parses one configuration. Unknown types and keys, missing and mistyped values fail naming
   * {@code where} (e.g. {@code layers[2]}), the type and the key:
   * {@code layers[2] (conv2d): kernel_size expected a positive integer or a list of two, got 0}.
   */
  static LayerSpec parse(Map<String, ?> config, String where) {
    Object typeValue = config.get("type");
    if (!(typeValue instanceof String type)) {
      throw new IllegalArgumentException(where + ": type expected one of " + new TreeSet<>(KEYS.keySet()) + ", got "
          + typeValue);
    }
    Set<String> allowed = KEYS.get(type);
    if (allowed == null) {
      throw new IllegalArgumentException(where + ": type expected one of " + new TreeSet<>(KEYS.keySet()) + ", got '"
          + type + "'");
    }
    for (String key : config.keySet()) {
      if (!key.equals("type") && !allowed.contains(key)) {
        throw new IllegalArgumentException(where + " (" + type + "): unknown key '" + key + "', expected one of "
            + new TreeSet<>(allowed));
      }
      // An explicit null would be dropped when the spec is written back (it stands for "unset"),
      // and so would change the pipeline's cache key: it is refused instead.
      if (config.get(key) == null) {
        throw new IllegalArgumentException(where + " (" + type + "): " + key + " expected a value, got null (leave "
            + key + " out for its default)");
      }
    }
    Map<String, ?> c = config;
    try {
      return switch (type) {
        case "dense" -> new Dense(number(c, "units"), string(c, "activation"), number(c, "dropout"));
        case "activation" -> new Activation(string(c, "activation"));
        case "softmax" -> new Softmax();
        case "dropout" -> new Dropout(number(c, "rate"));
        case "batch_norm" -> new BatchNorm(number(c, "momentum"), number(c, "epsilon"));
        case "embedding" -> new Embedding(number(c, "input_dim"), number(c, "output_dim"));
        case "conv2d" -> new Conv2D(number(c, "filters"), Pair.of(c.get("kernel_size"), "kernel_size"),
            number(c, "strides"), string(c, "padding"), string(c, "activation"));
        case "max_pool2d" -> new MaxPool2D(Pair.of(c.get("pool_size"), "pool_size"), number(c, "strides"));
        case "flatten" -> new Flatten();
        default -> throw new IllegalStateException("BUG: layer type " + type + " has keys but no record");
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " (" + type + "): " + e.getMessage(), e);
    }
  }

  /** A dense layer; {@code dropout} (a rate) is shorthand for a dropout layer after it. */
  record Dense(Number units, String activation, Number dropout) implements LayerSpec {
    public Dense {
      positive(units, "units");
      checkActivation(activation);
      if (dropout != null) {
        checkRate(dropout);
      }
    }

    public int unitCount() {
      return units.intValue();
    }

    /** The activation, {@code linear} when unset. */
    public org.millrace.trainer.backend.Activation function() {
      return org.millrace.trainer.backend.Activation.of(activation == null ? "linear" : activation);
    }

    /** The dropout rate after the layer, 0 (none) when unset. */
    public double dropoutRate() {
      return dropout == null ? 0 : dropout.doubleValue();
    }

    @Override
    public String type() {
      return "dense";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "units", units, "activation", activation, "dropout", dropout);
    }
  }

  /** An activation on its own; {@code softmax} gives a softmax layer. */
  record Activation(String activation) implements LayerSpec {
    public Activation {
      if (activation == null) {
        throw new IllegalArgumentException("activation expected a string, got null");
      }
      if (!isSoftmax(activation)) {
        checkActivation(activation);
      }
    }

    /** Whether this is {@code activation: softmax} (a softmax layer rather than an element-wise one). */
    public boolean isSoftmax() {
      return isSoftmax(activation);
    }

    private static boolean isSoftmax(String activation) {
      return "softmax".equals(activation);
    }

    /** The element-wise activation (not for {@link #isSoftmax()}). */
    public org.millrace.trainer.backend.Activation function() {
      return org.millrace.trainer.backend.Activation.of(activation);
    }

    @Override
    public String type() {
      return "activation";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "activation", activation);
    }
  }

  /** Softmax over the last axis. */
  record Softmax() implements LayerSpec {
    @Override
    public String type() {
      return "softmax";
    }

    @Override
    public Map<String, Object> config() {
      return map(type());
    }
  }

  /** Dropout with {@code rate} in [0, 1). */
  record Dropout(Number rate) implements LayerSpec {
    public Dropout {
      if (rate == null) {
        throw new IllegalArgumentException("rate expected a number, got null");
      }
      checkRate(rate);
    }

    @Override
    public String type() {
      return "dropout";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "rate", rate);
    }
  }

  /** Batch normalization; {@code momentum} 0.99 and {@code epsilon} 0.001 when unset. */
  record BatchNorm(Number momentum, Number epsilon) implements LayerSpec {
    public BatchNorm {
      float m = momentum == null ? 0.99f : momentum.floatValue();
      float e = epsilon == null ? 1e-3f : epsilon.floatValue();
      if (!(m >= 0 && m < 1) || !(e > 0)) {
        throw new IllegalArgumentException("batch_norm expected momentum in [0, 1) and epsilon > 0, got " + m + " and "
            + e);
      }
    }

    public float momentumValue() {
      return momentum == null ? 0.99f : momentum.floatValue();
    }

    public float epsilonValue() {
      return epsilon == null ? 1e-3f : epsilon.floatValue();
    }

    @Override
    public String type() {
      return "batch_norm";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "momentum", momentum, "epsilon", epsilon);
    }
  }

  /** A lookup table of {@code input_dim} rows of {@code output_dim} values. */
  record Embedding(Number inputDim, Number outputDim) implements LayerSpec {
    public Embedding {
      positive(inputDim, "input_dim");
      positive(outputDim, "output_dim");
      if (inputDim.intValue() > (1 << 24)) {
        throw new IllegalArgumentException("embedding expected input_dim in [1, 16777216] and output_dim > 0, got "
            + inputDim.intValue() + " and " + outputDim.intValue());
      }
    }

    @Override
    public String type() {
      return "embedding";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "input_dim", inputDim, "output_dim", outputDim);
    }
  }

  /** A 2-D convolution; {@code strides} 1, {@code padding} valid and {@code activation} linear when unset. */
  record Conv2D(Number filters, Pair kernelSize, Number strides, String padding, String activation)
      implements LayerSpec {
    public Conv2D {
      positive(filters, "filters");
      if (kernelSize == null) {
        throw new IllegalArgumentException("kernel_size expected a positive integer or a list of two, got null");
      }
      if (strides != null) {
        positive(strides, "strides");
      }
      if (padding != null && !padding.equals("valid") && !padding.equals("same")) {
        throw new IllegalArgumentException("conv2d padding expected 'valid' or 'same', got '" + padding + "'");
      }
      checkActivation(activation);
    }

    public int strideValue() {
      return strides == null ? 1 : strides.intValue();
    }

    public String paddingValue() {
      return padding == null ? "valid" : padding;
    }

    /** The activation, {@code linear} when unset. */
    public org.millrace.trainer.backend.Activation function() {
      return org.millrace.trainer.backend.Activation.of(activation == null ? "linear" : activation);
    }

    @Override
    public String type() {
      return "conv2d";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "filters", filters, "kernel_size", kernelSize, "strides", strides, "padding", padding,
          "activation", activation);
    }
  }

  /** 2-D max pooling; {@code pool_size} 2 and {@code strides} the pool's height when unset. */
  record MaxPool2D(Pair poolSize, Number strides) implements LayerSpec {
    private static final Pair DEFAULT_POOL = new Pair(2, null);

    public MaxPool2D {
      if (strides != null) {
        positive(strides, "strides");
      }
    }

    public Pair pool() {
      return poolSize == null ? DEFAULT_POOL : poolSize;
    }

    public int strideValue() {
      return strides == null ? pool().rows() : strides.intValue();
    }

    @Override
    public String type() {
      return "max_pool2d";
    }

    @Override
    public Map<String, Object> config() {
      return map(type(), "pool_size", poolSize, "strides", strides);
    }
  }

  /** Flattens all but the batch axis. */
  record Flatten() implements LayerSpec {
    @Override
    public String type() {
      return "flatten";
    }

    @Override
    public Map<String, Object> config() {
      return map(type());
    }
  }

  /**
   * A window size written as one integer ({@code 3}: 3x3) or a list of two ({@code [3, 5]}: 3 rows,
   * 5 columns); exactly one of {@code single} and {@code both} is set, and its JSON form is the one written.
   */
  record Pair(Number single, List<Number> both) {
    public Pair {
      if ((single == null) == (both == null)) {
        throw new IllegalArgumentException("BUG: a pair is one integer or a list of two");
      }
      both = both == null ? null : List.copyOf(both);
    }

    /** Parses {@code 3} or {@code [3, 5]}; null stays null (unset). */
    public static Pair of(Object written, String key) {
      if (written == null) {
        return null;
      }
      String expected = key + " expected a positive integer or a list of two, got " + written;
      if (written instanceof Number n) {
        if (!isPositiveInt(n)) {
          throw new IllegalArgumentException(expected);
        }
        return new Pair(n, null);
      }
      if (written instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b
          && isPositiveInt(a) && isPositiveInt(b)) {
        return new Pair(null, List.of(a, b));
      }
      throw new IllegalArgumentException(expected);
    }

    public int rows() {
      return (single != null ? single : both.get(0)).intValue();
    }

    public int cols() {
      return (single != null ? single : both.get(1)).intValue();
    }

    /** The JSON form: the integer or the list, as written. */
    @JsonValue
    public Object written() {
      return single != null ? single : both;
    }
  }

  private static boolean isPositiveInt(Number n) {
    double d = n.doubleValue();
    return d == Math.rint(d) && d >= 1 && d <= Integer.MAX_VALUE;
  }

  private static void positive(Number v, String key) {
    if (v == null || !isPositiveInt(v)) {
      throw new IllegalArgumentException(key + " expected a positive integer, got " + v);
    }
  }

  private static void checkRate(Number rate) {
    float r = rate.floatValue();
    if (!(r >= 0 && r < 1)) {
      throw new IllegalArgumentException("dropout expected a rate in [0, 1), got " + r);
    }
  }

  private static void checkActivation(String activation) {
    if (activation != null) {
      org.millrace.trainer.backend.Activation.of(activation);
    }
  }

  private static Number number(Map<String, ?> config, String key) {
    Object v = config.get(key);
    if (v != null && !(v instanceof Number)) {
      throw new IllegalArgumentException(key + " expected a number, got " + v);
    }
    return (Number) v;
  }

  private static String string(Map<String, ?> config, String key) {
    Object v = config.get(key);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException(key + " expected a string, got " + v);
    }
    return (String) v;
  }

  /** {@code type} and the keys whose value is set, in the order given. */
  private static Map<String, Object> map(String type, Object... keysAndValues) {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        m.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return m;
  }

  /**
   * Binds a layer while parameters bind, naming its place ({@code layers[2]}) in errors. A
   * {@link ParameterException} reaches {@code ParameterBinder} as the cause of a
   * {@link ValueInstantiationException}, which it reports as is.
   */
  final class Deserializer extends StdDeserializer<LayerSpec> {
    Deserializer() {
      super(LayerSpec.class);
    }

    @Override
    public LayerSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String where = where(p);
      Object value = ctxt.readValue(p, Object.class);
      try {
        if (!(value instanceof Map<?, ?> m)) {
          throw new ParameterException(where, "parameter '" + where + "' expected a mapping, got '" + value + "'");
        }
        var config = new LinkedHashMap<String, Object>();
        m.forEach((k, v) -> config.put(String.valueOf(k), v));
        return parse(config, where);
      } catch (IllegalArgumentException e) {
        var error = e instanceof ParameterException pe ? pe : new ParameterException(where, e.getMessage());
        throw ValueInstantiationException.from(p, error.getMessage(), ctxt.constructType(LayerSpec.class), error);
      }
    }

    /** The path of the value about to be read, e.g. {@code layers[2]}. */
    private static String where(JsonParser p) {
      JsonStreamContext ctx = p.getParsingContext();
      if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
        ctx = ctx.getParent();
      }
      var path = new StringBuilder();
      for (; ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
        if (ctx.inArray()) {
          path.insert(0, "[" + ctx.getCurrentIndex() + "]");
        } else if (ctx.getCurrentName() != null) {
          path.insert(0, (ctx.getParent() != null && !ctx.getParent().inRoot() ? "." : "") + ctx.getCurrentName());
        }
      }
      return path.toString();
    }
  }
}
