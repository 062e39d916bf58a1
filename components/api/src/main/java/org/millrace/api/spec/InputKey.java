package org.millrace.api.spec;

import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.ArtifactType;

/**
 * A named, typed input of a component. Wiring a channel of another type to it is a compile error
 * in the Java DSL and a load-time error in YAML.
 *
 * @param name the input key, e.g. {@code examples}
 * @param type the artifact type it accepts
 * @param optional whether the input may be left unwired
 * @param multiple whether several artifacts may be bound (e.g. several spans)
 */
public record InputKey<A extends Artifact>(String name, ArtifactType<A> type, boolean optional, boolean multiple) {

  public InputKey {
    Keys.checkName("input", name);
  }

  /** A required input taking exactly one artifact. */
  public static <A extends Artifact> InputKey<A> of(String name, ArtifactType<A> type) {
    return new InputKey<>(name, type, false, false);
  }

  /** An optional input taking at most one artifact. */
  public static <A extends Artifact> InputKey<A> optional(String name, ArtifactType<A> type) {
    return new InputKey<>(name, type, true, false);
  }
}
