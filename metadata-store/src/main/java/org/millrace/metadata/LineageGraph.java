package org.millrace.metadata;

import java.util.List;
import java.util.Optional;

/** The artifacts, executions and events of a lineage subgraph. */
public record LineageGraph(List<Artifact> artifacts, List<Execution> executions, List<Event> events) {

  public LineageGraph {
    artifacts = List.copyOf(artifacts);
    executions = List.copyOf(executions);
    events = List.copyOf(events);
  }

  public Optional<Artifact> artifact(long id) {
    return artifacts.stream().filter(a -> a.id() == id).findFirst();
  }

  public Optional<Execution> execution(long id) {
    return executions.stream().filter(e -> e.id() == id).findFirst();
  }

  /** The execution that produced an artifact in this graph, if included. */
  public Optional<Execution> producerOf(long artifactId) {
    return events.stream().filter(e -> e.artifactId() == artifactId && e.type() == EventType.OUTPUT)
        .findFirst().flatMap(e -> execution(e.executionId()));
  }

  /** Input events of an execution in this graph. */
  public List<Event> inputsOf(long executionId) {
    return events.stream().filter(e -> e.executionId() == executionId && e.type() == EventType.INPUT).toList();
  }
}
