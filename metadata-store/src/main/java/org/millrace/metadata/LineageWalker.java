package org.millrace.metadata;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Breadth-first walk over events: each hop follows artifact-to-execution or execution-to-artifact
 * edges for the whole frontier with one batched query.
 */
final class LineageWalker {
  private final JdbcMetadataStore store;

  LineageWalker(JdbcMetadataStore store) {
    this.store = store;
  }

  LineageGraph walk(LineageQuery q) throws SQLException {
    Set<Long> artifacts = new LinkedHashSet<>();
    Set<Long> executions = new LinkedHashSet<>();
    Map<String, Event> events = new LinkedHashMap<>();
    Set<Long> artFrontier = new LinkedHashSet<>();
    Set<Long> execFrontier = new LinkedHashSet<>();
    if (q.artifactId() != null) {
      artifacts.add(q.artifactId());
      artFrontier.add(q.artifactId());
    } else {
      executions.add(q.executionId());
      execFrontier.add(q.executionId());
    }
    boolean up = q.direction() != LineageQuery.Direction.DOWNSTREAM;
    boolean down = q.direction() != LineageQuery.Direction.UPSTREAM;
    for (int hop = 0; hop < q.maxHops() && !(artFrontier.isEmpty() && execFrontier.isEmpty()); hop++) {
      Set<Long> nextExecs = new LinkedHashSet<>();
      Set<Long> nextArts = new LinkedHashSet<>();
      if (!artFrontier.isEmpty()) {
        // Upstream from an artifact: the execution that output it. Downstream: executions that read it.
        for (Event e : store.events("artifact_id", artFrontier, only(up, down, EventType.OUTPUT, EventType.INPUT))) {
          events.put(id(e), e);
          if (executions.add(e.executionId())) {
            nextExecs.add(e.executionId());
          }
        }
      }
      if (!execFrontier.isEmpty()) {
        // Upstream from an execution: its inputs. Downstream: its outputs.
        for (Event e : store.events("execution_id", execFrontier, only(up, down, EventType.INPUT, EventType.OUTPUT))) {
          events.put(id(e), e);
          if (artifacts.add(e.artifactId())) {
            nextArts.add(e.artifactId());
          }
        }
      }
      artFrontier = nextArts;
      execFrontier = nextExecs;
    }
    List<Artifact> arts = store.byIds(artifacts, store::loadArtifacts);
    List<Execution> execs = store.byIds(executions, store::loadExecutions);
    // Keep only events whose both ends are in the subgraph.
    var kept = new ArrayList<Event>();
    for (Event e : events.values()) {
      if (artifacts.contains(e.artifactId()) && executions.contains(e.executionId())) {
        kept.add(e);
      }
    }
    return new LineageGraph(arts, execs, kept);
  }

  private static EventType only(boolean up, boolean down, EventType upType, EventType downType) {
    if (up && down) {
      return null;
    }
    return up ? upType : downType;
  }

  private static String id(Event e) {
    return e.artifactId() + "/" + e.executionId() + "/" + e.type() + "/" + e.key() + "/" + e.index();
  }
}
