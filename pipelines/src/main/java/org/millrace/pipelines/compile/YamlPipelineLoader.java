package org.millrace.pipelines.compile;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a pipeline YAML file into a {@link RawPipeline}, keeping the line and column of every
 * value so compile errors can point at them. Structural mistakes are reported here, all at once.
 */
public final class YamlPipelineLoader {
  private static final Set<String> TOP = Set.of("pipeline", "pipeline_root", "beam_pipeline_args", "nodes");
  private static final Set<String> NODE = Set.of("component", "inputs", "parameters", "retry", "cache");

  /**
   * The most values a file may hold once its aliases are expanded. Aliases share a subtree, so a few
   * lines can stand for billions of values ("billion laughs"); beyond this bound loading stops at once.
   */
  public static final int MAX_EXPANDED_VALUES = 100_000;

  private final String file;
  private final List<CompileError> errors = new ArrayList<>();
  /** The collections being expanded, from the root down: one met again is a recursive alias. */
  private final Set<Node> expanding = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private int expanded;

  private YamlPipelineLoader(String file) {
    this.file = file;
  }

  public static RawPipeline load(Path path) {
    try {
      return load(path.toString(), Files.readString(path));
    } catch (IOException e) {
      throw new PipelineCompileException(List.of(new CompileError(path.toString(), null, null, null,
          "expected a readable pipeline YAML file, got " + e.getClass().getSimpleName() + ": " + e.getMessage())));
    }
  }

  public static RawPipeline load(String file, String text) {
    return new YamlPipelineLoader(file).read(new StringReader(text));
  }

  private RawPipeline read(Reader reader) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      throw fail(pos(e.getProblemMark()), null, null, "expected valid YAML, got " + e.getProblem() + hint(e.getProblem()));
    } catch (YAMLException e) {
      // SnakeYAML's own bounds (aliases to collections, nesting depth) carry no position.
      throw fail(null, null, null, "expected valid YAML within the loader's bounds, got " + e.getMessage());
    }
    if (!(root instanceof MappingNode top)) {
      throw fail(root == null ? null : pos(root.getStartMark()), null, null,
          "expected a mapping with keys " + sorted(TOP) + ", got " + describe(root));
    }
    var positions = new HashMap<String, Position>();
    String name = null;
    String pipelineRoot = null;
    List<String> beamArgs = List.of();
    var nodes = new ArrayList<RawNode>();
    for (NodeTuple t : top.getValue()) {
      String key = scalarKey(t);
      Node v = t.getValueNode();
      positions.put(key, pos(v.getStartMark()));
      switch (key) {
        case "pipeline" -> name = string(v, null, "pipeline");
        case "pipeline_root" -> pipelineRoot = string(v, null, "pipeline_root");
        case "beam_pipeline_args" -> beamArgs = strings(v, null, "beam_pipeline_args");
        case "nodes" -> nodes.addAll(nodes(v));
        default -> errors.add(err(t.getKeyNode(), null, key, "expected one of " + sorted(TOP) + ", got an unknown key"));
      }
    }
    if (name == null) {
      errors.add(new CompileError(file, pos(top.getStartMark()), null, "pipeline", "expected a pipeline name, got none"));
    }
    if (!errors.isEmpty()) {
      throw new PipelineCompileException(errors);
    }
    return new RawPipeline(file, name, pipelineRoot, beamArgs, nodes, positions);
  }

  private List<RawNode> nodes(Node v) {
    if (!(v instanceof MappingNode m)) {
      errors.add(err(v, null, "nodes", "expected a mapping of node id to node, got " + describe(v)));
      return List.of();
    }
    var out = new ArrayList<RawNode>();
    for (NodeTuple t : m.getValue()) {
      String id = scalarKey(t);
      Node body = t.getValueNode();
      var positions = new HashMap<String, Position>();
      positions.put("", pos(t.getKeyNode().getStartMark()));
      if (!(body instanceof MappingNode nm)) {
        errors.add(err(body, id, null, "expected a mapping with keys " + sorted(NODE) + ", got " + describe(body)));
        continue;
      }
      String component = null;
      Map<String, List<RawInput>> inputs = new LinkedHashMap<>();
      Map<String, Object> params = new LinkedHashMap<>();
      Integer attempts = null;
      Long backoff = null;
      Boolean cache = null;
      for (NodeTuple f : nm.getValue()) {
        String key = scalarKey(f);
        Node fv = f.getValueNode();
        positions.put(key, pos(fv.getStartMark()));
        switch (key) {
          case "component" -> component = string(fv, id, "component");
          case "inputs" -> inputs = inputs(fv, id, positions);
          case "parameters" -> {
            Object p = plain(fv, "parameters", positions);
            if (p instanceof Map<?, ?> pm) {
              pm.forEach((k, val) -> params.put(String.valueOf(k), val));
            } else if (p != null) {
              errors.add(err(fv, id, "parameters", "expected a mapping, got " + describe(fv)));
            }
          }
          case "retry" -> {
            Object r = plain(fv, "retry", positions);
            if (r instanceof Map<?, ?> rm && rm.keySet().stream().allMatch(k -> k.equals("max_attempts")
                || k.equals("backoff_ms")) && isNumberOrNull(rm.get("max_attempts")) && isNumberOrNull(rm.get("backoff_ms"))) {
              attempts = rm.get("max_attempts") == null ? null : ((Number) rm.get("max_attempts")).intValue();
              backoff = rm.get("backoff_ms") == null ? null : ((Number) rm.get("backoff_ms")).longValue();
            } else {
              errors.add(err(fv, id, "retry", "expected {max_attempts: <int>, backoff_ms: <int>}, got " + describe(fv)));
            }
          }
          case "cache" -> {
            Object c = plain(fv, "cache", positions);
            if (c instanceof Boolean b) {
              cache = b;
            } else {
              errors.add(err(fv, id, "cache", "expected true or false, got " + describe(fv)));
            }
          }
          default -> errors.add(err(f.getKeyNode(), id, key, "expected one of " + sorted(NODE) + ", got an unknown key"));
        }
      }
      out.add(new RawNode(id, component, inputs, params, attempts, backoff, cache, positions));
    }
    return out;
  }

  private static boolean isNumberOrNull(Object o) {
    return o == null || o instanceof Long || o instanceof Integer;
  }

  private Map<String, List<RawInput>> inputs(Node v, String node, Map<String, Position> positions) {
    var out = new LinkedHashMap<String, List<RawInput>>();
    if (!(v instanceof MappingNode m)) {
      errors.add(err(v, node, "inputs", "expected a mapping of input key to channel, got " + describe(v)));
      return out;
    }
    for (NodeTuple t : m.getValue()) {
      String key = scalarKey(t);
      Node c = t.getValueNode();
      positions.put("inputs." + key, pos(c.getStartMark()));
      var refs = new ArrayList<RawInput>();
      if (c instanceof SequenceNode s) {
        s.getValue().forEach(item -> channel(item, node, key).ifPresent(refs::add));
      } else {
        channel(c, node, key).ifPresent(refs::add);
      }
      out.put(key, refs);
    }
    return out;
  }

  private java.util.Optional<RawInput> channel(Node c, String node, String key) {
    if (c instanceof ScalarNode s) {
      return java.util.Optional.of(new RawInput(s.getValue(), null, pos(c.getStartMark())));
    }
    if (c instanceof MappingNode m) {
      String from = null;
      String resolver = null;
      for (NodeTuple t : m.getValue()) {
        String k = scalarKey(t);
        if (k.equals("from")) {
          from = string(t.getValueNode(), node, "input '" + key + "' from");
        } else if (k.equals("resolver")) {
          resolver = string(t.getValueNode(), node, "input '" + key + "' resolver");
        } else {
          errors.add(err(t.getKeyNode(), node, "input '" + key + "'", "expected keys [from, resolver], got '" + k + "'"));
        }
      }
      return java.util.Optional.of(new RawInput(from, resolver, pos(c.getStartMark())));
    }
    errors.add(err(c, node, "input '" + key + "'", "expected '<node>.<output>' or {from, resolver}, got " + describe(c)));
    return java.util.Optional.empty();
  }

  /**
   * A value written on the command line ({@code --set}), read as the same text in a pipeline file
   * would be: the same booleans, numbers, strings (dates stay text) and structures.
   */
  public static Object value(String yaml, String what) {
    Node node;
    try {
      node = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (YAMLException e) {
      throw new IllegalArgumentException(what + " expected a YAML value, got '" + yaml + "': " + e.getMessage());
    }
    if (node == null) {
      return null;
    }
    var loader = new YamlPipelineLoader(what);
    Object v = loader.plain(node, "", new java.util.HashMap<>());
    if (!loader.errors.isEmpty()) {
      throw new IllegalArgumentException(what + " expected a YAML value, got '" + yaml + "': " + loader.errors.get(0)
          .message());
    }
    return v;
  }

  /**
   * Converts a YAML subtree to plain Java values, recording each value's position under {@code path}.
   * An alias to a collection that contains it is an error at the alias's key; expanding more than
   * {@link #MAX_EXPANDED_VALUES} values stops loading.
   */
  private Object plain(Node v, String path, Map<String, Position> positions) {
    if (++expanded > MAX_EXPANDED_VALUES) {
      throw fail(pos(v.getStartMark()), null, path.isEmpty() ? null : path, "expected at most "
          + MAX_EXPANDED_VALUES + " values once aliases are expanded, got more (aliases that repeat a subtree"
          + " many times, as in a 'billion laughs' file); write the values out or use fewer aliases");
    }
    positions.put(path, pos(v.getStartMark()));
    if (v instanceof MappingNode m) {
      expanding.add(m);
      try {
        var out = new LinkedHashMap<String, Object>();
        for (NodeTuple t : m.getValue()) {
          String k = scalarKey(t);
          if (expanding.contains(t.getValueNode())) {
            errors.add(recursive(t.getKeyNode(), path + "." + k, t.getValueNode()));
            continue;
          }
          out.put(k, plain(t.getValueNode(), path + "." + k, positions));
        }
        return out;
      } finally {
        expanding.remove(m);
      }
    }
    if (v instanceof SequenceNode s) {
      expanding.add(s);
      try {
        var out = new ArrayList<Object>();
        for (int i = 0; i < s.getValue().size(); i++) {
          Node item = s.getValue().get(i);
          if (expanding.contains(item)) {
            errors.add(recursive(s, path + "[" + i + "]", item));
            continue;
          }
          out.add(plain(item, path + "[" + i + "]", positions));
        }
        return out;
      } finally {
        expanding.remove(s);
      }
    }
    var s = (ScalarNode) v;
    Tag tag = s.getTag();
    String text = s.getValue();
    try {
      if (Tag.NULL.equals(tag)) {
        return null;
      }
      if (Tag.BOOL.equals(tag)) {
        // YAML 1.1 booleans, as SnakeYAML resolves them: true/yes/on and false/no/off, any case.
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return t.equals("true") || t.equals("yes") || t.equals("on");
      }
      if (Tag.INT.equals(tag)) {
        return Long.parseLong(text.replace("_", ""));
      }
      if (Tag.FLOAT.equals(tag)) {
        return Double.parseDouble(text.replace("_", ""));
      }
    } catch (NumberFormatException e) {
      return text;
    }
    return text;
  }

  private CompileError recursive(Node at, String path, Node target) {
    Position anchor = pos(target.getStartMark());
    return new CompileError(file, pos(at.getStartMark()), null, path.startsWith(".") ? path.substring(1) : path,
        "expected a value, got a recursive alias: it refers to the " + describe(target).substring(2)
            + " that contains it (anchored at line " + anchor.line() + ", column " + anchor.column() + ")");
  }

  private String string(Node v, String node, String key) {
    if (v instanceof ScalarNode s && !Tag.NULL.equals(s.getTag())) {
      return s.getValue();
    }
    errors.add(err(v, node, key, "expected a string, got " + describe(v)));
    return null;
  }

  private List<String> strings(Node v, String node, String key) {
    if (v instanceof SequenceNode s && s.getValue().stream().allMatch(i -> i instanceof ScalarNode)) {
      return s.getValue().stream().map(i -> ((ScalarNode) i).getValue()).toList();
    }
    errors.add(err(v, node, key, "expected a list of strings, got " + describe(v)));
    return List.of();
  }

  private static String scalarKey(NodeTuple t) {
    return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
  }

  private CompileError err(Node at, String node, String key, String message) {
    return new CompileError(file, pos(at.getStartMark()), node, key, message);
  }

  private PipelineCompileException fail(Position p, String node, String key, String message) {
    return new PipelineCompileException(List.of(new CompileError(file, p, node, key, message)));
  }

  private static Position pos(Mark m) {
    return m == null ? null : new Position(m.getLine() + 1, m.getColumn() + 1);
  }

  /** What the YAML parser's words usually mean in a pipeline file, for the two a misindented key gives. */
  static String hint(String problem) {
    if (problem == null) {
      return "";
    }
    if (problem.startsWith("mapping values are not allowed here")) {
      return " (a key indented deeper than the key above it, or a value holding ': ' that needs quotes)";
    }
    if (problem.contains("expected <block end>, but found")) {
      return " (a key indented less than the keys beside it: the keys of one mapping start in the same column)";
    }
    return "";
  }

  private static String describe(Node n) {
    if (n == null) {
      return "an empty document";
    }
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    return "'" + ((ScalarNode) n).getValue() + "'";
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
