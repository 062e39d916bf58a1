package org.millrace.api.spec;

import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.ArtifactType;

/**
 * A named, typed output of a component. The launcher gives the executor a fresh directory for
 * each output and publishes it as one artifact of {@code type}.
 */
public record OutputKey<A extends Artifact>(String name, ArtifactType<A> type) {

  public OutputKey {
    Keys.checkName("output", name);
  }

  public static <A extends Artifact> OutputKey<A> of(String name, ArtifactType<A> type) {
    return new OutputKey<>(name, type);
  }
}
