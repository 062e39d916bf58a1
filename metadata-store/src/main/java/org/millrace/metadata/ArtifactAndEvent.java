package org.millrace.metadata;

/** An artifact to store with an execution, and how the execution used it. */
public record ArtifactAndEvent(Artifact artifact, EventType type, String key, int index) {

  public static ArtifactAndEvent input(Artifact a, String key) {
    return new ArtifactAndEvent(a, EventType.INPUT, key, 0);
  }

  public static ArtifactAndEvent output(Artifact a, String key) {
    return new ArtifactAndEvent(a, EventType.OUTPUT, key, 0);
  }
}
