package org.millrace.api.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A component: its type name, executor version (part of the cache key), typed inputs and outputs,
 * its parameters record and its executor, and whether a node of it, with given parameters, is a
 * gate: a check whose failure is a verdict on the run's data ({@code ExampleValidator} with
 * {@code fail_on_anomalies}), which every node of the run that does not feed it waits for, and is
 * skipped when it fails (see {@code PipelineCompiler}); and whether a node of it may be a cache hit
 * ({@code cacheable}: not for a component whose work is on something outside the pipeline's outputs
 * that can change between runs, as the Pusher's registry does by a rollback: it runs every time,
 * against the registry as it is then).
 *
 * @param <P> the parameters record, bound from YAML or the DSL by {@link ParameterBinder}
 */
public record ComponentSpec<P>(
    String type,
    String executorVersion,
    String description,
    List<InputKey<?>> inputs,
    List<OutputKey<?>> outputs,
    Class<P> parametersType,
    Supplier<Executor<P>> executor,
    Optional<Driver<P>> driver,
    Predicate<P> gate,
    boolean cacheable) {

  public ComponentSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(executorVersion, "executorVersion");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(parametersType, "parametersType");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(gate, "gate");
    var names = new ArrayList<String>();
    inputs.forEach(k -> names.add(k.name()));
    outputs.forEach(k -> names.add(k.name()));
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("component " + type + " expected unique input/output keys, got " + names);
    }
  }

  /** The input with this name, if declared. */
  public Optional<InputKey<?>> input(String name) {
    return inputs.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** The output with this name, if declared. */
  public Optional<OutputKey<?>> output(String name) {
    return outputs.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  public static <P> Builder<P> builder(String type, Class<P> parametersType) {
    return new Builder<>(type, parametersType);
  }

  /** Builds a {@link ComponentSpec}. */
  public static final class Builder<P> {
    private final String type;
    private final Class<P> parametersType;
    private String version = "1";
    private String description = "";
    private final List<InputKey<?>> inputs = new ArrayList<>();
    private final List<OutputKey<?>> outputs = new ArrayList<>();
    private Supplier<Executor<P>> executor;
    private Driver<P> driver;
    private Predicate<P> gate = p -> false;
    private boolean cacheable = true;

    private Builder(String type, Class<P> parametersType) {
      this.type = type;
      this.parametersType = parametersType;
    }

    /** The executor version; bump it whenever the executor's output for the same inputs changes. */
    public Builder<P> version(String version) {
      this.version = version;
      return this;
    }

    public Builder<P> description(String description) {
      this.description = description;
      return this;
    }

    public Builder<P> input(InputKey<?> key) {
      inputs.add(key);
      return this;
    }

    public Builder<P> output(OutputKey<?> key) {
      outputs.add(key);
      return this;
    }

    public Builder<P> executor(Supplier<Executor<P>> executor) {
      this.executor = executor;
      return this;
    }

    public Builder<P> driver(Driver<P> driver) {
      this.driver = driver;
      return this;
    }

    /** Which parameters make a node of this component a gate (see {@link ComponentSpec}). */
    public Builder<P> gate(Predicate<P> gate) {
      this.gate = gate;
      return this;
    }

    /** Whether a node of this component may be a cache hit (default true; see {@link ComponentSpec}). */
    public Builder<P> cacheable(boolean cacheable) {
      this.cacheable = cacheable;
      return this;
    }

    public ComponentSpec<P> build() {
      return new ComponentSpec<>(type, version, description, inputs, outputs, parametersType, executor,
          Optional.ofNullable(driver), gate, cacheable);
    }
  }
}
