package org.millrace.pipelines.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;
import org.millrace.pipelines.spec.ChannelRef;
import org.millrace.pipelines.spec.NodeSpec;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.pipelines.spec.Resolver;
import org.millrace.pipelines.spec.RetryPolicy;

/**
 * Checks a raw pipeline against the registered components and produces a {@link PipelineSpec}:
 * unknown components, unknown or missing inputs, dangling or mistyped channels, invalid
 * parameters and cycles are all reported, every one with its node, key and position.
 */
public final class PipelineCompiler {
  private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private final ComponentRegistry registry;

  public PipelineCompiler(ComponentRegistry registry) {
    this.registry = registry;
  }

  public PipelineSpec compile(RawPipeline raw) {
    var errors = new ArrayList<CompileError>();
    String file = raw.file();
    if (raw.name() == null || !ID.matcher(raw.name()).matches()) {
      errors.add(new CompileError(file, raw.positions().get("pipeline"), null, "pipeline",
          "expected a name of letters, digits, '_' or '-', got '" + raw.name() + "'"));
    }
    if (raw.nodes().isEmpty()) {
      errors.add(new CompileError(file, raw.positions().get("nodes"), null, "nodes", "expected at least one node, got none"));
    }
    var byId = new LinkedHashMap<String, RawNode>();
    for (RawNode n : raw.nodes()) {
      if (n.id() == null || !ID.matcher(n.id()).matches()) {
        errors.add(new CompileError(file, n.at(""), n.id(), null,
            "node id expected letters, digits, '_' or '-', got '" + n.id() + "'"));
      } else if (byId.putIfAbsent(n.id(), n) != null) {
        errors.add(new CompileError(file, n.at(""), n.id(), null, "node id expected to be unique, got it twice"));
      }
    }
    var nodes = new LinkedHashMap<String, NodeSpec>();
    for (RawNode n : byId.values()) {
      NodeSpec spec = compileNode(file, n, byId, errors);
      if (spec != null) {
        nodes.put(n.id(), spec);
      }
    }
    List<NodeSpec> ordered = errors.isEmpty() ? order(file, byId, nodes, errors) : List.of();
    if (errors.isEmpty()) {
      Map<String, NodeSpec> gated = withGates(nodes, gates(byId), dataSources(byId));
      if (gated != nodes) {
        ordered = order(file, byId, gated, errors);
      }
    }
    if (!errors.isEmpty()) {
      throw new PipelineCompileException(errors);
    }
    String root = raw.pipelineRoot() == null ? ".millrace/pipelines/" + raw.name() : raw.pipelineRoot();
    return new PipelineSpec(raw.name(), root, raw.beamPipelineArgs(), ordered);
  }

  private NodeSpec compileNode(String file, RawNode n, Map<String, RawNode> all, List<CompileError> errors) {
    if (n.component() == null) {
      errors.add(new CompileError(file, n.at(""), n.id(), "component",
          "expected one of " + registry.types() + ", got nothing"));
      return null;
    }
    var found = registry.find(n.component());
    if (found.isEmpty()) {
      errors.add(new CompileError(file, n.at("component"), n.id(), "component",
          "expected one of " + registry.types() + ", got '" + n.component() + "'"));
      return null;
    }
    ComponentSpec<?> comp = found.get();
    int before = errors.size();
    Map<String, Object> params = bindParameters(file, n, comp, errors);
    var inputs = new LinkedHashMap<String, List<ChannelRef>>();
    for (var e : n.inputs().entrySet()) {
      String key = e.getKey();
      var declared = comp.input(key);
      if (declared.isEmpty()) {
        errors.add(new CompileError(file, n.at("inputs." + key), n.id(), "input '" + key + "'",
            "expected one of the inputs of " + comp.type() + " " + comp.inputs().stream().map(InputKey::name).toList()
                + ", got an unknown input"));
        continue;
      }
      if (e.getValue().size() > 1 && !declared.get().multiple()) {
        errors.add(new CompileError(file, n.at("inputs." + key), n.id(), "input '" + key + "'",
            "expected one channel, got " + e.getValue().size()));
      }
      var refs = new ArrayList<ChannelRef>();
      for (RawInput in : e.getValue()) {
        ChannelRef ref = channel(file, n, key, in, declared.get(), all, errors);
        if (ref != null) {
          refs.add(ref);
        }
      }
      inputs.put(key, refs);
    }
    for (InputKey<?> k : comp.inputs()) {
      if (!k.optional() && !n.inputs().containsKey(k.name())) {
        errors.add(new CompileError(file, n.at("inputs"), n.id(), "input '" + k.name() + "'",
            "expected a channel of type " + k.type().name() + " (required), got none"));
      }
    }
    RetryPolicy retry = null;
    try {
      retry = new RetryPolicy(n.maxAttempts() == null ? 1 : n.maxAttempts(),
          n.backoffMillis() == null ? 1000 : n.backoffMillis());
    } catch (IllegalArgumentException e) {
      errors.add(new CompileError(file, n.at("retry"), n.id(), "retry", e.getMessage()));
    }
    if (errors.size() > before) {
      return null;
    }
    return new NodeSpec(n.id(), comp.type(), comp.executorVersion(), inputs, params, retry,
        n.cache() == null || n.cache());
  }

  private static Map<String, Object> bindParameters(String file, RawNode n, ComponentSpec<?> comp,
      List<CompileError> errors) {
    try {
      Object bound = ParameterBinder.bind(comp.parametersType(), n.parameters());
      return ParameterBinder.toMap(bound);
    } catch (ParameterException e) {
      String path = e.path().isEmpty() ? "parameters" : "parameters." + e.path();
      errors.add(new CompileError(file, n.at(path), n.id(), e.key(), e.detail()));
      return Map.of();
    }
  }

  private ChannelRef channel(String file, RawNode n, String key, RawInput in, InputKey<?> declared,
      Map<String, RawNode> all, List<CompileError> errors) {
    String what = "input '" + key + "'";
    Position pos = in.position() != null ? in.position() : n.at("inputs." + key);
    Resolver resolver = Resolver.NONE;
    if (in.resolver() != null) {
      try {
        resolver = Resolver.valueOf(in.resolver().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(new CompileError(file, pos, n.id(), what, "resolver expected one of [none, previous, latest_blessed],"
            + " got '" + in.resolver() + "'"));
        return null;
      }
    }
    String from = in.from();
    int dot = from == null ? -1 : from.indexOf('.');
    if (dot <= 0 || dot == from.length() - 1) {
      errors.add(new CompileError(file, pos, n.id(), what, "expected '<node>.<output>', got '" + from + "'"));
      return null;
    }
    String producer = from.substring(0, dot);
    String output = from.substring(dot + 1);
    RawNode p = all.get(producer);
    if (p == null) {
      errors.add(new CompileError(file, pos, n.id(), what, "expected a channel of an existing node "
          + List.copyOf(all.keySet()) + ", got unknown node '" + producer + "'"));
      return null;
    }
    var pc = p.component() == null ? java.util.Optional.<ComponentSpec<?>>empty() : registry.find(p.component());
    if (pc.isEmpty()) {
      return null; // reported on the producer itself
    }
    var out = pc.get().output(output);
    if (out.isEmpty()) {
      errors.add(new CompileError(file, pos, n.id(), what, "expected an output of node '" + producer + "' ("
          + pc.get().type() + ") " + pc.get().outputs().stream().map(OutputKey::name).toList()
          + ", got unknown output '" + output + "'"));
      return null;
    }
    if (!out.get().type().equals(declared.type())) {
      errors.add(new CompileError(file, pos, n.id(), what, "expected a channel of type " + declared.type().name()
          + ", got " + producer + "." + output + " of type " + out.get().type().name()));
      return null;
    }
    if (resolver == Resolver.LATEST_BLESSED && !declared.type().name().equals("Model")) {
      errors.add(new CompileError(file, pos, n.id(), what,
          "resolver latest_blessed expected a Model channel, got " + declared.type().name()));
      return null;
    }
    return new ChannelRef(producer, output, resolver);
  }

  /** The nodes whose component writes Examples (the data a gate checks starts at one of them). */
  private Set<String> dataSources(Map<String, RawNode> raw) {
    var out = new HashSet<String>();
    for (RawNode n : raw.values()) {
      ComponentSpec<?> comp = registry.find(n.component()).orElseThrow();
      if (comp.outputs().stream().anyMatch(o -> o.type().name().equals("Examples"))) {
        out.add(n.id());
      }
    }
    return out;
  }

  /** The nodes whose component and parameters make them gates ({@link ComponentSpec#gate()}), in declaration order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Set<String> gates(Map<String, RawNode> raw) {
    var gates = new LinkedHashSet<String>();
    for (RawNode n : raw.values()) {
      ComponentSpec comp = registry.find(n.component()).orElseThrow();
      if (comp.gate().test(ParameterBinder.bind(comp.parametersType(), n.parameters()))) {
        gates.add(n.id());
      }
    }
    return gates;
  }

  /**
   * The nodes with each gate added to the nodes that must wait for it. For each gate in turn, every
   * node of the run that does not feed it (cannot reach it, through inputs or the gates added so far)
   * and reads the same data (shares a data source with it: a node of no same-run input that writes
   * Examples, so a curated schema shared by two branches does not join them) waits for the gate,
   * and is skipped when the gate fails; an edge is added only where the node does not wait for the
   * gate already through its upstream nodes (in the penguins pipeline one edge, validator to
   * Transform: the Trainer, Evaluator and Pusher wait through it). So an ExampleValidator that finds
   * anomalies stops Transform, the Trainer, the Evaluator and the Pusher of the data it checked,
   * though none reads its output. Returns {@code nodes} itself when there is no gate. No cycle can
   * appear: an edge goes only to a node that cannot reach the gate.
   */
  static Map<String, NodeSpec> withGates(Map<String, NodeSpec> nodes, Set<String> gates, Set<String> dataSources) {
    if (gates.isEmpty()) {
      return nodes;
    }
    var cur = new LinkedHashMap<>(nodes);
    for (String g : gates) {
      Set<String> gateSources = sources(cur, ancestors(cur, g), dataSources);
      Set<String> feeding = ancestors(cur, g);
      for (String id : topological(cur)) {
        NodeSpec n = cur.get(id);
        if (feeding.contains(id) || ancestors(cur, id).contains(g)
            || java.util.Collections.disjoint(gateSources, sources(cur, ancestors(cur, id), dataSources))) {
          continue;
        }
        var after = new ArrayList<>(n.after());
        after.add(g);
        cur.put(id, n.withAfter(after));
      }
    }
    return cur.equals(nodes) ? nodes : cur;
  }

  /** The node ids in an order where every node comes after the nodes it reads from and waits for. */
  private static List<String> topological(Map<String, NodeSpec> nodes) {
    var done = new LinkedHashSet<String>();
    boolean progress = true;
    while (progress && done.size() < nodes.size()) {
      progress = false;
      for (NodeSpec n : nodes.values()) {
        if (!done.contains(n.id()) && n.upstream().stream().allMatch(u -> done.contains(u) || !nodes.containsKey(u))) {
          done.add(n.id());
          progress = true;
        }
      }
    }
    return new ArrayList<>(done);
  }

  /** {@code id} and the nodes it reads from in the same run, transitively. */
  private static Set<String> ancestors(Map<String, NodeSpec> nodes, String id) {
    var out = new LinkedHashSet<String>();
    var todo = new ArrayList<String>(List.of(id));
    while (!todo.isEmpty()) {
      String cur = todo.remove(todo.size() - 1);
      if (out.add(cur) && nodes.containsKey(cur)) {
        todo.addAll(nodes.get(cur).upstream());
      }
    }
    return out;
  }

  /** The data sources ({@code dataSources}: nodes of no same-run input that write Examples) among {@code ids}. */
  private static Set<String> sources(Map<String, NodeSpec> nodes, Set<String> ids, Set<String> dataSources) {
    var out = new HashSet<String>();
    for (String id : ids) {
      if (dataSources.contains(id) && nodes.containsKey(id) && nodes.get(id).upstream().isEmpty()) {
        out.add(id);
      }
    }
    return out;
  }

  /** Kahn's algorithm in declaration order; a leftover means a cycle, which is named. */
  private static List<NodeSpec> order(String file, Map<String, RawNode> raw, Map<String, NodeSpec> nodes,
      List<CompileError> errors) {
    var done = new LinkedHashSet<String>();
    var out = new ArrayList<NodeSpec>();
    boolean progress = true;
    while (progress && done.size() < nodes.size()) {
      progress = false;
      for (NodeSpec n : nodes.values()) {
        if (!done.contains(n.id()) && done.containsAll(n.upstream())) {
          done.add(n.id());
          out.add(n);
          progress = true;
        }
      }
    }
    if (done.size() < nodes.size()) {
      List<String> cycle = findCycle(nodes, done);
      errors.add(new CompileError(file, raw.get(cycle.get(0)).at(""), cycle.get(0), null,
          "expected the nodes to form no cycle, got " + String.join(" -> ", cycle)));
    }
    return out;
  }

  private static List<String> findCycle(Map<String, NodeSpec> nodes, Set<String> acyclic) {
    for (String start : nodes.keySet()) {
      if (acyclic.contains(start)) {
        continue;
      }
      var path = new ArrayList<String>();
      var seen = new HashSet<String>();
      String cur = start;
      while (cur != null && seen.add(cur)) {
        path.add(cur);
        String next = null;
        for (String up : nodes.get(cur).upstream()) {
          if (!acyclic.contains(up) && nodes.containsKey(up)) {
            next = up;
            break;
          }
        }
        cur = next;
      }
      if (cur != null) {
        var cycle = new ArrayList<>(path.subList(path.indexOf(cur), path.size()));
        java.util.Collections.reverse(cycle);
        cycle.add(cycle.get(0));
        return cycle;
      }
    }
    return List.of("?");
  }
}
