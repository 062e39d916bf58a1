package org.millrace.pipelines.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter overrides for one run ({@code millrace run --set NODE.PARAMETER=VALUE}), the runtime
 * parameters of TFX: each replaces one top-level parameter of one node before the pipeline
 * compiles, so a value the component does not accept fails as it would in the file. Values are
 * YAML, read as the pipeline file reads them: {@code 3}, {@code 0.5}, {@code true},
 * {@code text}, {@code 2026-11-01} (text), {@code [1, 5]}, {@code {a: 1}}.
 */
public final class Overrides {
  private Overrides() {}

  /**
   * One override; {@code option} is how the user gave it, for errors (null: set by a command's own
   * options, such as {@code --trainer-backend} or a backfill's spans).
   */
  public record Set(String node, String parameter, Object value, String option) {
    public Set(String node, String parameter, Object value) {
      this(node, parameter, value, null);
    }

    /** The option as errors name it. */
    String given() {
      return option != null ? option : node + "." + parameter + "=" + value + " (set by the command's options)";
    }
  }

  /** Parses {@code NODE.PARAMETER=VALUE}. */
  public static Set parse(String text) {
    int eq = text.indexOf('=');
    int dot = eq < 0 ? -1 : text.substring(0, eq).indexOf('.');
    if (eq < 0 || dot <= 0 || dot == eq - 1) {
      throw new IllegalArgumentException("--set expected NODE.PARAMETER=VALUE, got '" + text + "'");
    }
    String raw = text.substring(eq + 1);
    Object value;
    try {
      value = YamlPipelineLoader.value(raw, "--set " + text.substring(0, eq));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--set " + text.substring(0, eq) + " expected a YAML value, got '" + raw
          + "': " + e.getMessage().lines().findFirst().orElse(""));
    }
    return new Set(text.substring(0, dot), text.substring(dot + 1, eq), value, "--set " + text);
  }

  /**
   * Overrides that set {@code parameter} to {@code value} on each node of {@code component} that
   * leaves it unset or at {@code defaultValue}: how a run-wide option such as
   * {@code --trainer-backend} reaches the executor as a parameter, and so the cache key, like
   * a {@code --set} of each such node.
   */
  public static List<Set> whereDefault(RawPipeline raw, String component, String parameter, Object defaultValue,
      Object value) {
    var out = new ArrayList<Set>();
    for (RawNode n : raw.nodes()) {
      Object given = n.parameters().get(parameter);
      if (n.component().equals(component) && (given == null || given.equals(defaultValue))) {
        out.add(new Set(n.id(), parameter, value));
      }
    }
    return out;
  }

  /** The pipeline with the overrides applied; an unknown node is an error naming the pipeline's nodes. */
  public static RawPipeline apply(RawPipeline raw, List<Set> sets) {
    if (sets.isEmpty()) {
      return raw;
    }
    var nodes = new ArrayList<RawNode>();
    for (Set s : sets) {
      if (raw.nodes().stream().noneMatch(n -> n.id().equals(s.node()))) {
        throw new IllegalArgumentException("--set " + s.node() + "." + s.parameter() + " expected a node of pipeline '"
            + raw.name() + "' " + raw.nodes().stream().map(RawNode::id).toList() + ", got '" + s.node() + "'");
      }
    }
    for (RawNode n : raw.nodes()) {
      Map<String, Object> params = new LinkedHashMap<>(n.parameters());
      Map<String, Position> positions = new LinkedHashMap<>(n.positions());
      for (Set s : sets) {
        if (s.node().equals(n.id())) {
          params.put(s.parameter(), s.value());
          // An error in the value then names the option, not the file's line it replaced.
          String key = "parameters." + s.parameter();
          positions.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + ".") || k.startsWith(key + "["));
          positions.put(key, Position.override(s.given()));
        }
      }
      nodes.add(new RawNode(n.id(), n.component(), n.inputs(), params, n.maxAttempts(), n.backoffMillis(), n.cache(),
          positions));
    }
    return new RawPipeline(raw.file(), raw.name(), raw.pipelineRoot(), raw.beamPipelineArgs(), nodes, raw.positions());
  }
}
