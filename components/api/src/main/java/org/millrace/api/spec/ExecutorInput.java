package org.millrace.api.spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.millrace.api.artifact.Artifact;

/**
 * What an executor is given: resolved input artifacts by key, one fresh output directory per
 * output key, and the bound parameters record.
 */
public record ExecutorInput<P>(Map<String, List<Artifact>> inputs, Map<String, Path> outputs, P parameters) {

  public ExecutorInput {
    var in = new LinkedHashMap<String, List<Artifact>>();
    inputs.forEach((k, v) -> in.put(k, List.copyOf(v)));
    inputs = Map.copyOf(in);
    outputs = Map.copyOf(outputs);
  }

  /** The single artifact bound to a required input. */
  public <A extends Artifact> A input(InputKey<A> key) {
    List<A> all = inputs(key);
    if (all.size() != 1) {
      throw new IllegalArgumentException(String.format(
          "input '%s' expected exactly one %s artifact, got %d", key.name(), key.type().name(), all.size()));
    }
    return all.get(0);
  }

  /** The artifact bound to an optional input, if any. */
  public <A extends Artifact> Optional<A> optionalInput(InputKey<A> key) {
    List<A> all = inputs(key);
    if (all.size() > 1) {
      throw new IllegalArgumentException(String.format(
          "input '%s' expected at most one %s artifact, got %d", key.name(), key.type().name(), all.size()));
    }
    return all.stream().findFirst();
  }

  /** Every artifact bound to an input, type-checked. */
  public <A extends Artifact> List<A> inputs(InputKey<A> key) {
    return inputs.getOrDefault(key.name(), List.of()).stream().map(a -> key.type().cast(a)).toList();
  }

  /** The directory to write an output into. */
  public Path output(OutputKey<?> key) {
    Path dir = outputs.get(key.name());
    if (dir == null) {
      throw new IllegalArgumentException(String.format(
          "output '%s' expected one of %s, got no directory for it", key.name(), outputs.keySet()));
    }
    return dir;
  }
}
