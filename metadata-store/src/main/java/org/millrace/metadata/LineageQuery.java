package org.millrace.metadata;

/**
 * A lineage subgraph request: start from an artifact or an execution and follow events upstream
 * (towards the data that made it), downstream (towards what was made from it) or both, for at
 * most {@code maxHops} artifact-execution edges.
 */
public record LineageQuery(Long artifactId, Long executionId, Direction direction, int maxHops) {

  /** Which way to follow events. */
  public enum Direction {
    UPSTREAM,
    DOWNSTREAM,
    BOTH
  }

  public LineageQuery {
    if ((artifactId == null) == (executionId == null)) {
      throw new IllegalArgumentException("lineage query expected exactly one of artifact id or execution id, got "
          + artifactId + " and " + executionId);
    }
    if (maxHops < 0) {
      throw new IllegalArgumentException("lineage max hops expected a non-negative number, got " + maxHops);
    }
    direction = direction == null ? Direction.UPSTREAM : direction;
  }

  public static LineageQuery fromArtifact(long id, Direction direction, int maxHops) {
    return new LineageQuery(id, null, direction, maxHops);
  }

  public static LineageQuery fromExecution(long id, Direction direction, int maxHops) {
    return new LineageQuery(null, id, direction, maxHops);
  }
}
