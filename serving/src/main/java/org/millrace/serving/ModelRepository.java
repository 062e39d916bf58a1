package org.millrace.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.millrace.api.registry.RegistryIndex;
import org.millrace.trainer.model.ModelFiles;
import org.millrace.trainer.model.ModelRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of a registry directory ({@code <base>/<model_name>/<version>/}, the layout the
 * Pusher writes and TF Serving reads), loaded and kept up to date by {@link #poll}. Readers take
 * an immutable {@link #snapshot}: a poll builds the next one off to the side and swaps it in, so
 * requests in flight finish on the versions they started with and none is dropped.
 *
 * <p>Version policy {@code LATEST} serves the highest version that loads (when the newest pushed
 * version fails to load, the one before stays served and the failure is in its status);
 * {@code ALL} serves every version that loads. A version that failed is not retried until its
 * files change.
 */
public final class ModelRepository {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

  /** Which versions of a model are served. */
  public enum VersionPolicy { LATEST, ALL }

  /**
   * A loaded model version: {@code runtime} for its graph, task and labels, {@code inference} for
   * its predictions (concurrent, batched).
   */
  public record Servable(String name, int version, Path dir, ModelRuntime runtime, JsonNode modelJson,
      Instant loadedAt, Batcher inference) {
    /**
     * The version's entry in the Pusher's {@code registry.json} (read when asked: the Pusher
     * writes the index after the version directory appears, and a rollback changes it later), or
     * null when there is none.
     */
    public JsonNode registryEntry() {
      return ModelRepository.registryEntry(dir.getParent(), version);
    }
  }

  /**
   * A version's state as TF Serving reports it: {@code AVAILABLE} with no error, or {@code END}
   * (not served) with why.
   */
  public record VersionStatus(int version, String state, String error) {}

  /** One model name: the served versions and the status of every version on disk. */
  public record ModelView(String name, NavigableMap<Integer, Servable> available,
      NavigableMap<Integer, VersionStatus> statuses) {}

  /**
   * A failed load, remembered with the files' modification times: retried when they change, or
   * after {@link #RETRY_AFTER} (a failure may have been transient: I/O, memory).
   */
  private record Failure(List<FileTime> stamps, String error, Instant at) {}

  static final java.time.Duration RETRY_AFTER = java.time.Duration.ofMinutes(1);

  private final Path base;
  private final VersionPolicy policy;
  private final ServingMetrics metrics;
  private final InferenceOptions inference;
  private final AtomicReference<Map<String, ModelView>> snapshot = new AtomicReference<>(Map.of());
  private final Map<Path, Failure> failures = new HashMap<>();
  /** Runs before a version directory is loaded, on the polling thread: a seam where tests hold a load. */
  volatile java.util.function.Consumer<Path> beforeLoad = dir -> { };

  public ModelRepository(Path base, VersionPolicy policy, ServingMetrics metrics) {
    this(base, policy, metrics, InferenceOptions.defaults());
  }

  /** As above; each loaded version computes its predictions as {@code inference} says. */
  public ModelRepository(Path base, VersionPolicy policy, ServingMetrics metrics, InferenceOptions inference) {
    this.base = base;
    this.policy = policy;
    this.metrics = metrics;
    this.inference = inference;
  }

  public Path base() {
    return base;
  }

  /** The models served now (immutable). */
  public Map<String, ModelView> snapshot() {
    return snapshot.get();
  }

  /** The servable for a request: the given version, or the highest served one when {@code version} is null. */
  public Optional<Servable> find(String name, Integer version) {
    ModelView view = snapshot.get().get(name);
    if (view == null || view.available().isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(version == null ? view.available().lastEntry().getValue()
        : view.available().get(version));
  }

  /**
   * Scans the registry, loads versions the policy wants that are not loaded yet, drops versions
   * no longer wanted or gone from disk, and swaps the new view in. Returns it.
   */
  public synchronized Map<String, ModelView> poll() {
    Map<String, ModelView> previous = snapshot.get();
    Map<String, ModelView> next = new TreeMap<>();
    List<Path> modelDirs;
    try {
      modelDirs = children(base);
    } catch (IOException e) {
      // An unreadable registry (a network filesystem's hiccup) is not an empty one: keep serving.
      LOG.warn("cannot list registry {} ({}); keeping the models loaded", base, e.toString());
      return previous;
    }
    for (Path modelDir : modelDirs) {
      String name = modelDir.getFileName().toString();
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        continue;
      }
      List<Integer> versions = versions(modelDir);
      if (versions == null) {
        if (previous.containsKey(name)) {
          next.put(name, previous.get(name));
        }
        continue;
      }
      if (versions.isEmpty()) {
        continue;
      }
      ModelView before = previous.get(name);
      NavigableMap<Integer, Servable> available = new TreeMap<>();
      NavigableMap<Integer, VersionStatus> statuses = new TreeMap<>();
      for (int v : versions) {
        if (policy == VersionPolicy.LATEST && !available.isEmpty()) {
          statuses.put(v, new VersionStatus(v, "END", "not served: version policy latest serves version "
              + available.firstKey()));
          continue;
        }
        Servable s = before == null ? null : before.available().get(v);
        if (s == null) {
          s = load(name, v, modelDir.resolve(Integer.toString(v)));
        }
        if (s != null) {
          available.put(v, s);
          statuses.put(v, new VersionStatus(v, "AVAILABLE", ""));
        } else {
          statuses.put(v, new VersionStatus(v, "END", failures.get(modelDir.resolve(Integer.toString(v))).error()));
        }
      }
      next.put(name, new ModelView(name, Collections.unmodifiableNavigableMap(available),
          Collections.unmodifiableNavigableMap(statuses)));
    }
    Map<String, ModelView> frozen = Collections.unmodifiableMap(next);
    snapshot.set(frozen);
    logChanges(previous, frozen);
    metrics.setServed(frozen);
    failures.keySet().removeIf(dir -> !Files.isDirectory(dir));
    return frozen;
  }

  /** Loads a version, or records (once per change of its files) why it cannot be and returns null. */
  private Servable load(String name, int version, Path dir) {
    List<FileTime> stamps = stamps(dir);
    Failure failed = failures.get(dir);
    if (failed != null && failed.stamps().equals(stamps) && Instant.now().isBefore(failed.at().plus(RETRY_AFTER))) {
      return null;
    }
    try {
      beforeLoad.accept(dir);
      ModelRuntime runtime = ModelRuntime.load(dir);
      runtime.graph();
      JsonNode modelJson = ModelFiles.metadata(dir);
      // Off to the side like the rest of the load: the copies of the network and the batcher in front of them.
      Inference engine = inference.factory().open(dir, runtime, inference.replicas());
      Batcher batcher = new Batcher(engine, inference.replicas(), inference.maxBatchRows(), inference.maxBatchWait());
      Servable s = new Servable(name, version, dir, runtime, modelJson, Instant.now(), batcher);
      failures.remove(dir);
      metrics.loaded(name, true);
      LOG.info("loaded model {} version {} from {}", name, version, dir);
      return s;
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      String error = "model " + name + " version " + version + " at " + dir + " could not be loaded: " + e.getMessage();
      failures.put(dir, new Failure(stamps, error, Instant.now()));
      metrics.loaded(name, false);
      LOG.warn(error);
      return null;
    }
  }

  /** The registry index entry of a version (the Pusher's {@code registry.json}), or null when there is none. */
  static JsonNode registryEntry(Path modelDir, int version) {
    try {
      return RegistryIndex.read(modelDir).flatMap(i -> i.entry(version)).map(RegistryIndex::json).orElse(null);
    } catch (java.io.UncheckedIOException e) {
      LOG.warn("{} could not be read for the lineage of version {}: {}", modelDir.resolve(RegistryIndex.FILE), version,
          e.getMessage());
      return null;
    }
  }

  private void logChanges(Map<String, ModelView> before, Map<String, ModelView> after) {
    before.forEach((name, view) -> view.available().keySet().forEach(v -> {
      ModelView now = after.get(name);
      if (now == null || !now.available().containsKey(v)) {
        LOG.info("unloaded model {} version {}", name, v);
      }
    }));
  }

  /** Version directories (whole numbers, holding a model.json) of a model, highest first; null when unreadable. */
  private static List<Integer> versions(Path modelDir) {
    var versions = new ArrayList<Integer>();
    List<Path> dirs;
    try {
      dirs = children(modelDir);
    } catch (IOException e) {
      LOG.warn("cannot list {} ({}); keeping what is loaded of it", modelDir, e.toString());
      return null;
    }
    for (Path p : dirs) {
      String n = p.getFileName().toString();
      if (n.matches("[1-9][0-9]{0,8}") && Files.isRegularFile(p.resolve(ModelFiles.MODEL_JSON))) {
        versions.add(Integer.parseInt(n));
      }
    }
    versions.sort(Collections.reverseOrder());
    return versions;
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static List<FileTime> stamps(Path dir) {
    var stamps = new ArrayList<FileTime>();
    for (String f : new String[] {ModelFiles.MODEL_JSON, ModelFiles.WEIGHTS}) {
      try {
        stamps.add(Files.getLastModifiedTime(dir.resolve(f)));
      } catch (IOException e) {
        stamps.add(FileTime.fromMillis(0));
      }
    }
    return stamps;
  }
}
