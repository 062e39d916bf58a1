package org.millrace.pipelines.run;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Context;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.NodeLauncher;
import org.millrace.pipelines.launch.StoreQueries;

/**
 * Retention for a pipeline's artifacts ({@code millrace gc}): deletes the files of artifacts no
 * longer needed and keeps their lineage as tombstones (state {@code DELETED}; every event,
 * execution and property stays, so {@code millrace lineage} still answers "which data trained
 * this model" after the data's files are gone).
 *
 * <p>Kept: for every node, the outputs of its newest {@code keepRuns} successful executions
 * (complete or cached: a cached run reuses older outputs) and everything its newest successful
 * execution read (a baseline such as the latest blessed model, the previous run's statistics);
 * artifacts younger than {@code minAge}; artifacts whose files lie outside the pipeline root
 * (millrace did not write them there, so it does not delete them). An artifact is marked
 * {@code MARKED_FOR_DELETION} before its files go and {@code DELETED} after, so a collection that
 * dies half way is finished by the next one. Caching sees deleted files and runs the node again.
 */
public final class GarbageCollector {
  private static final int PAGE = 500;

  /** What a collection does: the artifacts it deletes, and the ones it keeps with why. */
  public record Plan(List<Artifact> delete, Map<Long, String> kept) {}

  private final MetadataStore store;
  private final StoreQueries queries;

  public GarbageCollector(MetadataStore store) {
    this.store = store;
    this.queries = new StoreQueries(store);
  }

  public Plan plan(String pipeline, Path root, int keepRuns, Duration minAge, Instant now) {
    if (keepRuns < 1) {
      throw new IllegalArgumentException("--keep-runs expected >= 1 (the newest run's outputs are always kept), got "
          + keepRuns);
    }
    Context ctx = store.getContext(Keys.PIPELINE_CONTEXT, pipeline).orElseThrow(() -> new IllegalArgumentException(
        "pipeline expected one of " + store.getContexts(Keys.PIPELINE_CONTEXT).stream().map(Context::name).toList()
            + ", got '" + pipeline + "'"));
    var kept = new LinkedHashMap<Long, String>();
    for (Context node : store.getContexts(Keys.NODE_CONTEXT)) {
      if (!node.name().startsWith(pipeline + ".")) {
        continue;
      }
      String id = node.name().substring(pipeline.length() + 1);
      List<Execution> done = queries.nodeExecutions(pipeline, id, Set.of(ExecutionState.COMPLETE,
          ExecutionState.CACHED));
      for (int i = 0; i < Math.min(keepRuns, done.size()); i++) {
        for (List<Artifact> outs : queries.outputs(done.get(i).id()).values()) {
          for (Artifact a : outs) {
            kept.putIfAbsent(a.id(), "output of one of node '" + id + "''s newest " + keepRuns + " runs");
          }
        }
      }
      if (!done.isEmpty()) {
        store.getEventsByExecutionIds(List.of(done.get(0).id())).stream().filter(e -> e.type() == EventType.INPUT)
            .forEach(e -> kept.putIfAbsent(e.artifactId(), "read by node '" + id + "''s newest run"));
      }
    }
    Path base = root.toAbsolutePath().normalize();
    var delete = new ArrayList<Artifact>();
    for (Artifact a : artifacts(ctx.id())) {
      if (a.state() == ArtifactState.DELETED || a.state() == ArtifactState.PENDING) {
        continue;
      }
      if (kept.containsKey(a.id()) && a.state() == ArtifactState.LIVE) {
        continue;
      }
      if (a.state() == ArtifactState.LIVE && a.createTime() != null && a.createTime().isAfter(now.minus(minAge))) {
        kept.put(a.id(), "younger than " + minAge);
        continue;
      }
      Optional<Path> path = under(a.uri(), base);
      if (path.isEmpty()) {
        kept.put(a.id(), "its files are outside the pipeline root " + base);
        continue;
      }
      delete.add(a);
    }
    delete.sort(Comparator.comparing(Artifact::id));
    return new Plan(delete, kept);
  }

  /** Carries out a plan; returns the artifacts whose files were deleted. */
  public List<Artifact> collect(Plan plan, Path root) {
    Path base = root.toAbsolutePath().normalize();
    var done = new ArrayList<Artifact>();
    for (Artifact a : plan.delete()) {
      Path p = under(a.uri(), base).orElseThrow(() -> new IllegalStateException("BUG: planned to delete " + a.uri()
          + " outside " + base));
      Artifact marked = a.withState(ArtifactState.MARKED_FOR_DELETION);
      store.putArtifact(marked);
      NodeLauncher.deleteTree(p);
      store.putArtifact(marked.withState(ArtifactState.DELETED));
      done.add(marked.withState(ArtifactState.DELETED));
    }
    return done;
  }

  private List<Artifact> artifacts(long contextId) {
    var all = new ArrayList<Artifact>();
    var seen = new HashSet<Long>();
    for (int offset = 0; ; offset += PAGE) {
      List<Artifact> page = store.getArtifacts(ArtifactQuery.builder().context(contextId).limit(PAGE).offset(offset)
          .build());
      for (Artifact a : page) {
        if (seen.add(a.id())) {
          all.add(a);
        }
      }
      if (page.size() < PAGE) {
        return all;
      }
    }
  }

  /** The artifact's path when it lies strictly inside {@code base}. */
  private static Optional<Path> under(String uri, Path base) {
    try {
      Path p = (uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri)).toAbsolutePath()
          .normalize();
      return p.startsWith(base) && !p.equals(base) ? Optional.of(p) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
