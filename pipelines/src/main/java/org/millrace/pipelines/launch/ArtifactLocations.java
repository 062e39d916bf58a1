package org.millrace.pipelines.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.StoreType;

/**
 * Where an execution's files go, unique across stores and runs.
 *
 * <p>An output lands in {@code <root>/<node>/<output>/<execution_id>-<store_id>-<random>}: the store
 * id is a random identity the store gets the first time millrace writes to it (a context of type
 * {@code millrace_store}), so two stores sharing a pipeline root, or a store recreated over an old
 * root, never pick the same directory; the random part separates a store restored from a backup
 * from its own earlier life. The location is recorded on the execution ({@code location}) and in its
 * artifacts' uris. Temporary directories are {@code .tmp-<location>} and {@code .scratch-<location>};
 * {@link #cleanStale} deletes those of this store whose execution is no longer RUNNING and never
 * touches another store's.
 */
public final class ArtifactLocations {
  /** The context type holding the store's identity. */
  public static final String STORE_CONTEXT = "millrace_store";
  /** The execution property naming its location. */
  public static final String LOCATION = "location";

  private static final Pattern TEMP = Pattern.compile("\\.(tmp|scratch)-(\\d+)(?:-([0-9a-f]{8})-[0-9a-f]+)?");
  private static final Pattern FINAL = Pattern.compile("(\\d+)-([0-9a-f]{8})-[0-9a-f]+");

  private ArtifactLocations() {}

  /** This store's identity (8 hex digits), created the first time. */
  public static String storeId(MetadataStore store) {
    Optional<String> id = existing(store);
    if (id.isPresent()) {
      return id.get();
    }
    store.putType(StoreType.context(STORE_CONTEXT, Map.of()));
    store.putContext(Context.of(STORE_CONTEXT, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())));
    // Two processes creating it at once: the oldest context wins for both.
    return existing(store).orElseThrow();
  }

  private static Optional<String> existing(MetadataStore store) {
    try {
      return store.getContexts(STORE_CONTEXT).stream().min(Comparator.comparing(Context::id)).map(Context::name);
    } catch (RuntimeException e) {
      return Optional.empty(); // the type is not registered yet
    }
  }

  /** A new location name for an execution of this store. */
  public static String newLocation(long executionId, String storeId) {
    return executionId + "-" + storeId + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current()
        .nextInt(1 << 16));
  }

  /**
   * Deletes the {@code .tmp-*} and {@code .scratch-*} directories under {@code dir} (one level and
   * the level below) left by executions of this store that are no longer RUNNING (after {@link
   * Liveness#reconcile}, a crashed one is not), and the output directories of this store's FAILED
   * executions (renamed into place by a process killed before its metadata commit: never recorded),
   * and the resume directories of this store's COMPLETE executions (their process killed after the
   * record, before it deleted them). Directories of another store and of live executions stay.
   * Returns the deleted paths.
   */
  public static List<Path> cleanStale(MetadataStore store, String storeId, Path dir) {
    var deleted = new ArrayList<Path>();
    if (!Files.isDirectory(dir)) {
      return deleted;
    }
    var candidates = new ArrayList<Path>();
    try (Stream<Path> s = Files.walk(dir, 2)) {
      // Not inside another dot directory: a checkpoint directory's own temporaries are its writer's business.
      s.filter(p -> !p.equals(dir) && (p.getParent().equals(dir) || !p.getParent().getFileName().toString()
          .startsWith(".")) && Files.isDirectory(p) && TEMP.matcher(p.getFileName().toString()).matches())
          .forEach(candidates::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    try (Stream<Path> s = Files.walk(dir, 2)) {
      for (Path p : s.filter(p -> dir.relativize(p).getNameCount() == 2 && Files.isDirectory(p)).toList()) {
        Matcher m = FINAL.matcher(p.getFileName().toString());
        if (m.matches() && m.group(2).equals(storeId)) {
          Optional<Execution> e = store.getExecution(Long.parseLong(m.group(1)));
          if (e.isPresent() && e.get().state() == ExecutionState.FAILED && e.get().property(LOCATION)
              .map(v -> p.getFileName().toString().equals(String.valueOf(v.raw()))).orElse(false)) {
            NodeLauncher.deleteTree(p);
            deleted.add(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    try {
      // Resume directories of this store's executions recorded COMPLETE (killed before deleting them): marked
      // with the store's id, and the key prefix in the name must match the execution's.
      deleted.addAll(ResumeDirs.removeFinished(dir, storeId, (keyPrefix, id) -> store.getExecution(id)
          .filter(e -> e.state() == ExecutionState.COMPLETE)
          .flatMap(e -> e.property(Keys.CACHE_KEY))
          .map(k -> String.valueOf(k.raw()).startsWith(keyPrefix))
          .orElse(false)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    for (Path p : candidates) {
      Matcher m = TEMP.matcher(p.getFileName().toString());
      if (!m.matches() || (m.group(3) != null && !m.group(3).equals(storeId))) {
        continue;
      }
      long id = Long.parseLong(m.group(2));
      Optional<Execution> e = store.getExecution(id);
      if (e.isPresent() && e.get().state() == ExecutionState.RUNNING) {
        continue;
      }
      NodeLauncher.deleteTree(p);
      deleted.add(p);
    }
    return deleted;
  }
}
