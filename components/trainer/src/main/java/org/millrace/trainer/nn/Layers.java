package org.millrace.trainer.nn;

import org.millrace.trainer.backend.Activation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates layers from their configuration, as written in trainer parameters (YAML) and in
 * model.json, Keras-style: {@code {type: conv2d, filters: 16, kernel_size: 3, activation: relu}}.
 * Unknown types and keys, missing and mistyped values fail naming the layer and key.
 */
public final class Layers {
  private Layers() {}

  private static final Map<String, Set<String>> KEYS = Map.of(
      "dense", Set.of("units", "activation", "dropout"),
      "activation", Set.of("activation"),
      "softmax", Set.of(),
      "dropout", Set.of("rate"),
      "batch_norm", Set.of("momentum", "epsilon"),
      "embedding", Set.of("input_dim", "output_dim"),
      "conv2d", Set.of("filters", "kernel_size", "strides", "padding", "activation"),
      "max_pool2d", Set.of("pool_size", "strides"),
      "flatten", Set.of());

  /** Layer type names. */
  public static Set<String> types() {
    return new TreeSet<>(KEYS.keySet());
  }

  /**
   * The layers one configuration stands for: one, or two for a dense layer with a {@code dropout}
   * rate (shorthand for dense followed by dropout). {@code where} prefixes errors, e.g. {@code layers[2]}.
   */
  public static List<Layer> fromConfig(Map<String, ?> config, String where) {
    Object typeValue = config.get("type");
    if (!(typeValue instanceof String type)) {
      throw new IllegalArgumentException(where + ": type expected one of " + types() + ", got " + typeValue);
    }
    Set<String> allowed = KEYS.get(type);
    if (allowed == null) {
      throw new IllegalArgumentException(where + ": type expected one of " + types() + ", got '" + type + "'");
    }
    for (String key : config.keySet()) {
      if (!key.equals("type") && !allowed.contains(key)) {
        throw new IllegalArgumentException(where + " (" + type + "): unknown key '" + key + "', expected one of "
            + new TreeSet<>(allowed));
      }
    }
    var c = new Reader(config, where + " (" + type + ")");
    try {
      return switch (type) {
        case "dense" -> {
          var dense = new Dense(c.positive("units", null), c.activation("activation", "linear"));
          double rate = c.number("dropout", 0.0);
          yield rate == 0 ? List.of(dense) : List.of(dense, new Dropout((float) rate));
        }
        case "activation" -> {
          Object a = config.get("activation");
          yield List.of("softmax".equals(a) ? new Softmax() : new ActivationLayer(c.activation("activation", null)));
        }
        case "softmax" -> List.of(new Softmax());
        case "dropout" -> List.of(new Dropout((float) c.number("rate", null)));
        case "batch_norm" -> List.of(new BatchNorm((float) c.number("momentum", 0.99), (float) c.number("epsilon", 1e-3)));
        case "embedding" -> List.of(new Embedding(c.positive("input_dim", null), c.positive("output_dim", null)));
        case "conv2d" -> {
          int[] k = c.pair("kernel_size", null);
          yield List.of(new Conv2D(c.positive("filters", null), k[0], k[1], c.positive("strides", 1),
              c.string("padding", "valid"), c.activation("activation", "linear")));
        }
        case "max_pool2d" -> {
          int[] p = c.pair("pool_size", new int[] {2, 2});
          yield List.of(new MaxPool2D(p[0], p[1], c.positive("strides", p[0])));
        }
        case "flatten" -> List.of(new Flatten());
        default -> throw new IllegalStateException(type);
      };
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new IllegalArgumentException(where + " (" + type + "): " + e.getMessage(), e);
    }
  }

  /** Typed access to configuration values with errors naming the key. */
  private record Reader(Map<String, ?> config, String where) {
    private IllegalArgumentException error(String key, String expected) {
      return new IllegalArgumentException(where + ": " + key + " expected " + expected + ", got " + config.get(key));
    }

    int positive(String key, Integer fallback) {
      Object v = config.get(key);
      if (v == null) {
        if (fallback == null) {
          throw error(key, "a positive integer");
        }
        return fallback;
      }
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
          || n.doubleValue() > Integer.MAX_VALUE) {
        throw error(key, "a positive integer");
      }
      return n.intValue();
    }

    double number(String key, Double fallback) {
      Object v = config.get(key);
      if (v == null) {
        if (fallback == null) {
          throw error(key, "a number");
        }
        return fallback;
      }
      if (!(v instanceof Number n)) {
        throw error(key, "a number");
      }
      return n.doubleValue();
    }

    String string(String key, String fallback) {
      Object v = config.get(key);
      if (v == null && fallback != null) {
        return fallback;
      }
      if (!(v instanceof String s)) {
        throw error(key, "a string");
      }
      return s;
    }

    Activation activation(String key, String fallback) {
      return Activation.of(string(key, fallback));
    }

    /** An integer or a list of two: {@code 3} or {@code [3, 5]}. */
    int[] pair(String key, int[] fallback) {
      Object v = config.get(key);
      if (v == null && fallback != null) {
        return fallback;
      }
      if (v instanceof Number) {
        int k = positive(key, null);
        return new int[] {k, k};
      }
      if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b
          && a.intValue() > 0 && b.intValue() > 0 && a.doubleValue() == a.intValue() && b.doubleValue() == b.intValue()) {
        return new int[] {a.intValue(), b.intValue()};
      }
      throw error(key, "a positive integer or a list of two");
    }
  }
}
