package org.millrace.pipelines.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.RawInput;
import org.millrace.pipelines.compile.RawNode;
import org.millrace.pipelines.compile.RawPipeline;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.pipelines.spec.Resolver;

/**
 * Builds a pipeline in Java:
 *
 * <pre>{@code
 * var p = Pipeline.builder("penguins").root(".millrace/pipelines/penguins");
 * var ingest = p.node("ingest", ExampleGen.SPEC, new ExampleGenParams(...));
 * p.node("statistics", StatisticsGen.SPEC, params).input(StatisticsGen.EXAMPLES, ingest.output(ExampleGen.EXAMPLES));
 * PipelineSpec spec = p.build();
 * }</pre>
 */
public final class Pipeline {
  private Pipeline() {}

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Collects nodes; {@link #build()} compiles them with the same checks as YAML. */
  public static final class Builder {
    private final String name;
    private String root;
    private List<String> beamArgs = List.of();
    private final List<NodeBuilder<?>> nodes = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder root(String pipelineRoot) {
      this.root = pipelineRoot;
      return this;
    }

    public Builder beamArgs(List<String> args) {
      this.beamArgs = List.copyOf(args);
      return this;
    }

    public <P> NodeBuilder<P> node(String id, ComponentSpec<P> component, P parameters) {
      var n = new NodeBuilder<>(id, component, parameters);
      nodes.add(n);
      return n;
    }

    /**
     * A node whose parameters are given as YAML gives them ({@code Map.of("epochs", 10, "optimizer",
     * Map.of("type", "adam"))}), bound as the YAML compiler binds them, every default applied: a bad
     * value fails here naming the node and the parameter, as {@code build()} does for the rest
     * ({@code node 'trainer' parameter 'epochs': expected a positive integer, got 0}); a parameters
     * record built by hand fails in its constructor, before there is a node to name.
     */
    public <P> NodeBuilder<P> node(String id, ComponentSpec<P> component, Map<String, ?> parameters) {
      P bound;
      try {
        bound = ParameterBinder.bind(component.parametersType(), parameters);
      } catch (ParameterException e) {
        throw new IllegalArgumentException("node '" + id + "' " + e.key() + ": " + e.detail(), e);
      }
      return node(id, component, bound);
    }

    /** The components this pipeline uses, as a registry for running it. */
    public ComponentRegistry registry() {
      var specs = new LinkedHashMap<String, ComponentSpec<?>>();
      nodes.forEach(n -> specs.putIfAbsent(n.component.type(), n.component));
      return new ComponentRegistry(List.copyOf(specs.values()));
    }

    public PipelineSpec build() {
      var raw = new ArrayList<RawNode>();
      for (NodeBuilder<?> n : nodes) {
        raw.add(n.toRaw());
      }
      return new PipelineCompiler(registry()).compile(new RawPipeline(null, name, root, beamArgs, raw, Map.of()));
    }
  }

  /** One node under construction. */
  public static final class NodeBuilder<P> {
    private final String id;
    private final ComponentSpec<P> component;
    private final P parameters;
    private final Map<String, List<RawInput>> inputs = new LinkedHashMap<>();
    private Integer maxAttempts;
    private Long backoffMillis;
    private Boolean cache;

    private NodeBuilder(String id, ComponentSpec<P> component, P parameters) {
      this.id = id;
      this.component = component;
      this.parameters = parameters;
    }

    /** This node's output as a typed channel. */
    public <A extends Artifact> Channel<A> output(OutputKey<A> key) {
      return new Channel<>(id, key.name(), key.type());
    }

    /** Wires a channel of the same artifact type into an input. */
    public <A extends Artifact> NodeBuilder<P> input(InputKey<A> key, Channel<A> channel) {
      return input(key, channel, Resolver.NONE);
    }

    public <A extends Artifact> NodeBuilder<P> input(InputKey<A> key, Channel<A> channel, Resolver resolver) {
      inputs.computeIfAbsent(key.name(), k -> new ArrayList<>())
          .add(new RawInput(channel.node() + "." + channel.output(), resolver.label(), null));
      return this;
    }

    public NodeBuilder<P> retry(int attempts, long initialBackoffMillis) {
      this.maxAttempts = attempts;
      this.backoffMillis = initialBackoffMillis;
      return this;
    }

    public NodeBuilder<P> cache(boolean enabled) {
      this.cache = enabled;
      return this;
    }

    RawNode toRaw() {
      Map<String, Object> params = parameters == null ? Map.of() : ParameterBinder.toMap(parameters);
      return new RawNode(id, component.type(), inputs, params, maxAttempts, backoffMillis, cache, Map.of());
    }
  }
}
