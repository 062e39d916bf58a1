package org.millrace.pipelines.run;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.millrace.api.fault.CrashPoints;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Context;
import org.millrace.metadata.Event;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.launch.Keys;
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
      List<Execution> done = newestSuccessful(node.id(), keepRuns);
      for (Execution e : done) {
        for (List<Artifact> outs : queries.outputs(e.id()).values()) {
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
    // Models blessed or rolled back to by hand are baselines and served versions: never collected.
    List<Artifact> all = artifacts(ctx.id());
    var manual = new HashSet<Long>();
    var events = new ArrayList<Event>();
    for (int i = 0; i < all.size(); i += PAGE) {
      events.addAll(store.getEventsByArtifactIds(all.subList(i, Math.min(all.size(), i + PAGE)).stream()
          .map(Artifact::id).toList()));
    }
    var readers = events.stream().filter(e -> e.type() == EventType.INPUT).map(Event::executionId).distinct().toList();
    for (int i = 0; i < readers.size(); i += PAGE) {
      for (Execution x : store.getExecutions(readers.subList(i, Math.min(readers.size(), i + PAGE)))) {
        if (x.type().startsWith("Manual")) {
          manual.add(x.id());
        }
      }
    }
    events.stream().filter(e -> e.type() == EventType.INPUT && manual.contains(e.executionId()))
        .forEach(e -> kept.putIfAbsent(e.artifactId(), "the subject of a manual decision"));
    Path base = root.toAbsolutePath().normalize();
    var delete = new ArrayList<Artifact>();
    for (Artifact a : all) {
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
      // A cache hit in another pipeline links the same artifact there: its runs may need it.
      Optional<String> other = store.getContextsByArtifact(a.id()).stream()
          .filter(c -> c.type().equals(Keys.PIPELINE_CONTEXT) && !c.name().equals(pipeline)).map(Context::name)
          .findFirst();
      if (other.isPresent()) {
        kept.put(a.id(), "also used by pipeline '" + other.get() + "'");
        continue;
      }
      delete.add(a);
    }
    delete.sort(Comparator.comparing(Artifact::id));
    return new Plan(delete, kept);
  }

  /** What a collection did: the artifacts whose files went, and the ones it could not delete, with why. */
  public record Outcome(List<Artifact> deleted, Map<Long, String> failed) {}

  /** Carries out a plan. An artifact whose files cannot be deleted stays marked and the others go on. */
  public Outcome collect(Plan plan, Path root) {
    Path base = root.toAbsolutePath().normalize();
    var done = new ArrayList<Artifact>();
    var failed = new LinkedHashMap<Long, String>();
    for (Artifact a : plan.delete()) {
      Optional<Path> p = under(a.uri(), base);
      if (p.isEmpty()) {
        failed.put(a.id(), a.uri() + " is outside " + base);
        continue;
      }
      Artifact marked = a.withState(ArtifactState.MARKED_FOR_DELETION);
      try {
        store.putArtifact(marked);
        CrashPoints.hit("gc-marked");
        List<String> errors = deleteFiles(p.get());
        if (!errors.isEmpty()) {
          failed.put(a.id(), String.join("; ", errors));
          continue;
        }
        CrashPoints.hit("gc-deleted");
        store.putArtifact(marked.withState(ArtifactState.DELETED));
        done.add(marked.withState(ArtifactState.DELETED));
      } catch (RuntimeException e) {
        failed.put(a.id(), e.getMessage());
      }
    }
    return new Outcome(done, failed);
  }

  /**
   * Deletes {@code path} and everything under it without following symbolic links (a link is
   * deleted, never what it points to), going on past files it cannot delete. Returns one line per
   * file that stays, naming it and why (at most ten, then how many more).
   */
  static List<String> deleteFiles(Path path) {
    var errors = new ArrayList<String>();
    int[] more = {0};
    BiConsumer<Path, IOException> fail = (f, e) -> {
      if (errors.size() < 10) {
        errors.add("cannot delete " + f + ": " + reason(e));
      } else {
        more[0]++;
      }
    };
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return errors;
    }
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
          delete(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          fail.accept(f, e);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          if (e != null) {
            fail.accept(dir, e);
          } else {
            delete(dir);
          }
          return FileVisitResult.CONTINUE;
        }

        private void delete(Path f) {
          try {
            Files.deleteIfExists(f);
          } catch (IOException e) {
            fail.accept(f, e);
          }
        }
      });
    } catch (IOException e) {
      fail.accept(path, e);
    }
    if (more[0] > 0) {
      errors.add("and " + more[0] + " more");
    }
    return errors;
  }

  private static String reason(IOException e) {
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty (some of its files could not be deleted)";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /**
   * Deletes the {@code .tmp-*} and {@code .scratch-*} directories that executions of this store
   * left under the root's nodes and no longer run (killed, crashed); another store's stay.
   */
  public List<java.nio.file.Path> cleanStaleTemps(Path root) {
    var deleted = new ArrayList<java.nio.file.Path>();
    if (!Files.isDirectory(root)) {
      return deleted;
    }
    String storeId = org.millrace.pipelines.launch.ArtifactLocations.storeId(store);
    try (var nodes = Files.list(root)) {
      for (Path node : nodes.filter(Files::isDirectory).toList()) {
        deleted.addAll(org.millrace.pipelines.launch.ArtifactLocations.cleanStale(store, storeId, node));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + root, e);
    }
    return deleted;
  }

  /** Up to {@code n} newest complete or cached executions in a node context, however many failed since. */
  private List<Execution> newestSuccessful(long nodeContext, int n) {
    var out = new ArrayList<Execution>();
    for (int offset = 0; out.size() < n; offset += PAGE) {
      List<Execution> page = store.getExecutions(org.millrace.metadata.ExecutionQuery.builder().context(nodeContext)
          .newestFirst().limit(PAGE).offset(offset).build());
      for (Execution e : page) {
        if ((e.state() == ExecutionState.COMPLETE || e.state() == ExecutionState.CACHED) && out.size() < n) {
          out.add(e);
        }
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    return out;
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

  /** The artifact's path when it lies strictly inside {@code base}, symbolic links resolved. */
  private static Optional<Path> under(String uri, Path base) {
    try {
      Path p = (uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri)).toAbsolutePath()
          .normalize();
      Path realBase = Files.exists(base) ? base.toRealPath() : base;
      Path real = Files.exists(p) ? p.toRealPath() : p;
      boolean inside = p.startsWith(base) && !p.equals(base) && real.startsWith(realBase) && !real.equals(realBase);
      return inside ? Optional.of(p) : Optional.empty();
    } catch (RuntimeException | IOException e) {
      return Optional.empty();
    }
  }
}
