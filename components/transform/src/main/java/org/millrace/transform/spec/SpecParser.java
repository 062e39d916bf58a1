package org.millrace.transform.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.millrace.api.spec.ParameterException;

/**
 * Parses the {@code features} list of {@link TransformParams}. An entry is
 * {@code {feature: x | cross: [a, b], name: optional, ops: [...]}}; an op is a one-key map
 * {@code {zscore: {}}}, a bare name {@code zscore}, or for fill_missing the short form
 * {@code {fill_missing: mean, indicator: true}}. Everything unknown is a {@link ParameterException}.
 */
public final class SpecParser {
  /** The op names this parser accepts. */
  public static final List<String> OPS = List.of(
      "fill_missing", "zscore", "min_max", "log1p", "clip", "bucketize", "vocabulary", "hash", "one_hot");

  private SpecParser() {}

  /** Parses and checks the entries (names distinct, op keys known). */
  public static List<FeatureSpec> parse(List<Map<String, Object>> features) {
    if (features == null || features.isEmpty()) {
      throw new ParameterException("features", "features expected a non-empty list of {feature|cross, ops}, got none");
    }
    var out = new ArrayList<FeatureSpec>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < features.size(); i++) {
      out.add(entry(features.get(i), "features[" + i + "]", names));
    }
    return out;
  }

  /**
   * Parses one {@code {feature|cross, name, ops}} entry at {@code path}; {@code names} collects the
   * output names so far (a repeated one is rejected).
   */
  static FeatureSpec entry(Map<String, Object> e, String path, Set<String> names) {
    if (e == null) {
      throw new ParameterException(path, path + " expected a map {feature|cross, ops}, got null");
    }
    checkKeys(e, path, Set.of("feature", "cross", "name", "ops"));
    List<String> sources;
    if (e.containsKey("feature") == e.containsKey("cross")) {
      throw new ParameterException(path, path + " expected exactly one of 'feature' or 'cross', got "
          + (e.containsKey("feature") ? "both" : "neither"));
    }
    if (e.containsKey("feature")) {
      sources = List.of(string(e.get("feature"), path + ".feature"));
    } else {
      sources = stringList(e.get("cross"), path + ".cross");
      if (sources.size() < 2) {
        throw new ParameterException(path + ".cross", "cross expected at least 2 features, got " + sources);
      }
    }
    String name = e.containsKey("name") ? string(e.get("name"), path + ".name") : String.join("_x_", sources);
    if (!names.add(name)) {
      throw new ParameterException(path + ".name", "feature output name expected to be unique, got '" + name
          + "' twice. Give one of them a distinct name: ...");
    }
    return new FeatureSpec(name, sources, ops(e.get("ops"), path), path);
  }

  /** Parses the non-empty op list of the entry at {@code path}. */
  static List<OpSpec> ops(Object opsRaw, String path) {
    if (!(opsRaw instanceof List<?> opsList) || opsList.isEmpty()) {
      throw new ParameterException(path + ".ops", "ops expected a non-empty list, got " + opsRaw);
    }
    var ops = new ArrayList<OpSpec>();
    for (int j = 0; j < opsList.size(); j++) {
      ops.add(op(opsList.get(j), path + ".ops[" + j + "]"));
    }
    return ops;
  }

  static OpSpec op(Object raw, String path) {
    if (raw instanceof String s) {
      return op(s, Map.of(), path);
    }
    if (!(raw instanceof Map<?, ?> m) || m.isEmpty()) {
      throw new ParameterException(path, "op expected a one-key map like {zscore: {}} or a name, got " + raw);
    }
    var map = new LinkedHashMap<String, Object>();
    m.forEach((k, v) -> map.put(String.valueOf(k), v));
    if (map.containsKey("fill_missing") && !(map.get("fill_missing") instanceof Map)) {
      checkKeys(map, path, Set.of("fill_missing", "indicator", "value"));
      var args = new LinkedHashMap<String, Object>();
      args.put("strategy", map.get("fill_missing"));
      if (map.containsKey("indicator")) {
        args.put("indicator", map.get("indicator"));
      }
      if (map.containsKey("value")) {
        args.put("value", map.get("value"));
      }
      return op("fill_missing", args, path + ".fill_missing");
    }
    if (map.size() != 1) {
      throw new ParameterException(path, "op expected exactly one key (the op name), got " + map.keySet());
    }
    String name = map.keySet().iterator().next();
    Object args = map.get(name);
    if (args == null) {
      args = Map.of();
    }
    if (!(args instanceof Map<?, ?> am)) {
      throw new ParameterException(path + "." + name, name + " expected a map of arguments, got " + args);
    }
    var a = new LinkedHashMap<String, Object>();
    am.forEach((k, v) -> a.put(String.valueOf(k), v));
    return op(name, a, path + "." + name);
  }

  private static OpSpec op(String name, Map<String, Object> a, String path) {
    switch (name) {
      case "fill_missing": {
        checkKeys(a, path, Set.of("strategy", "value", "indicator"));
        String strategy = string(a.get("strategy"), path + ".strategy");
        if (!List.of("mean", "median", "mode", "constant").contains(strategy)) {
          throw new ParameterException(path + ".strategy",
              "fill_missing expected one of mean, median, mode, constant, got '" + strategy + "'");
        }
        Object value = a.get("value");
        if ("constant".equals(strategy) != (value != null)) {
          throw new ParameterException(path + ".value", "constant".equals(strategy)
              ? "fill_missing constant expected a value, got none"
              : "fill_missing " + strategy + " expected no value, got " + value);
        }
        if (value != null && !(value instanceof Number) && !(value instanceof String)) {
          throw new ParameterException(path + ".value", "fill_missing value expected a number or string, got " + value);
        }
        return new OpSpec.FillMissing(strategy, value, bool(a.get("indicator"), path + ".indicator", false));
      }
      case "zscore":
        checkKeys(a, path, Set.of());
        return new OpSpec.ZScore();
      case "min_max":
        checkKeys(a, path, Set.of());
        return new OpSpec.MinMax();
      case "log1p":
        checkKeys(a, path, Set.of());
        return new OpSpec.Log1p();
      case "one_hot":
        checkKeys(a, path, Set.of());
        return new OpSpec.OneHot();
      case "clip": {
        checkKeys(a, path, Set.of("min", "max"));
        Double min = number(a.get("min"), path + ".min");
        Double max = number(a.get("max"), path + ".max");
        if (min == null && max == null) {
          throw new ParameterException(path, "clip expected min and/or max, got neither");
        }
        if (min != null && max != null && min > max) {
          throw new ParameterException(path, "clip expected min <= max, got min " + min + " > max " + max);
        }
        return new OpSpec.Clip(min, max);
      }
      case "bucketize": {
        checkKeys(a, path, Set.of("quantiles", "boundaries"));
        if (a.containsKey("quantiles") == a.containsKey("boundaries")) {
          throw new ParameterException(path, "bucketize expected exactly one of quantiles or boundaries, got "
              + (a.isEmpty() ? "neither" : "both"));
        }
        if (a.containsKey("quantiles")) {
          int q = integer(a.get("quantiles"), path + ".quantiles");
          if (q < 2 || q > 10_000) {
            throw new ParameterException(path + ".quantiles", "bucketize quantiles expected 2..10000, got " + q);
          }
          return new OpSpec.Bucketize(q, null);
        }
        if (!(a.get("boundaries") instanceof List<?> l) || l.isEmpty()) {
          throw new ParameterException(path + ".boundaries", "boundaries expected a non-empty list of numbers, got "
              + a.get("boundaries"));
        }
        var b = new ArrayList<Double>();
        for (int i = 0; i < l.size(); i++) {
          b.add(number(l.get(i), path + ".boundaries[" + i + "]"));
          if (i > 0 && !(b.get(i) > b.get(i - 1))) {
            throw new ParameterException(path + ".boundaries", "boundaries expected strictly increasing, got " + l);
          }
        }
        return new OpSpec.Bucketize(null, b);
      }
      case "vocabulary": {
        checkKeys(a, path, Set.of("top_k", "min_frequency", "num_oov_buckets"));
        Integer topK = a.containsKey("top_k") ? integer(a.get("top_k"), path + ".top_k") : null;
        if (topK != null && topK < 1) {
          throw new ParameterException(path + ".top_k", "top_k expected >= 1, got " + topK);
        }
        int minFreq = a.containsKey("min_frequency") ? integer(a.get("min_frequency"), path + ".min_frequency") : 1;
        int oov = a.containsKey("num_oov_buckets") ? integer(a.get("num_oov_buckets"), path + ".num_oov_buckets") : 1;
        if (minFreq < 1 || oov < 0) {
          throw new ParameterException(path, "vocabulary expected min_frequency >= 1 and num_oov_buckets >= 0, got "
              + minFreq + " and " + oov);
        }
        return new OpSpec.Vocabulary(topK, minFreq, oov);
      }
      case "hash": {
        checkKeys(a, path, Set.of("buckets"));
        int b = integer(a.get("buckets"), path + ".buckets");
        if (b < 1) {
          throw new ParameterException(path + ".buckets", "hash buckets expected >= 1, got " + b);
        }
        return new OpSpec.Hash(b);
      }
      default:
        throw new ParameterException(path, "op expected one of " + OPS + ", got '" + name + "'");
    }
  }

  static void checkKeys(Map<String, ?> m, String path, Set<String> allowed) {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        throw new ParameterException(path + "." + k, "key expected one of " + new java.util.TreeSet<>(allowed)
            + " in " + path + ", got '" + k + "'");
      }
    }
  }

  static String string(Object v, String path) {
    if (!(v instanceof String s) || s.isBlank()) {
      throw new ParameterException(path, path + " expected a non-empty string, got " + v);
    }
    return s;
  }

  static List<String> stringList(Object v, String path) {
    if (!(v instanceof List<?> l)) {
      throw new ParameterException(path, path + " expected a list of feature names, got " + v);
    }
    var out = new ArrayList<String>();
    for (int i = 0; i < l.size(); i++) {
      out.add(string(l.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  static int integer(Object v, String path) {
    if (!(v instanceof Integer) && !(v instanceof Long)) {
      throw new ParameterException(path, path + " expected an integer, got " + v);
    }
    return ((Number) v).intValue();
  }

  static Double number(Object v, String path) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw new ParameterException(path, path + " expected a number, got " + v);
    }
    return n.doubleValue();
  }

  static boolean bool(Object v, String path, boolean dflt) {
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw new ParameterException(path, path + " expected true or false, got " + v);
    }
    return b;
  }
}
