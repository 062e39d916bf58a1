package org.millrace.pipelines.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.millrace.api.fault.CrashPoints;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.OutputKey;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactAndEvent;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStoreException;
import org.millrace.metadata.Value;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.spec.NodeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches one node: cache lookup, then executor attempts into temporary directories, renamed
 * into {@code <root>/<node>/<output>/<location>/} (see {@link ArtifactLocations}) and published in
 * one store transaction. A RUNNING execution records its process ({@link Liveness}); an attempt that
 * ends in an exception, an {@link OutOfMemoryError} or a {@link StackOverflowError} is FAILED with the
 * reason. Quarantine files of a failed attempt are kept in {@code <output>/quarantine-<location>/}.
 */
public final class NodeLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);

  private final MetadataStore store;
  private final StoreQueries queries;
  private final ComponentRegistry registry;
  private final String pipeline;
  private final String runId;
  private final Path root;
  private final List<String> beamArgs;
  private final ProgressFactory progress;
  private final boolean cacheEnabled;
  /** Per node and output, the components of the nodes that consume it in this run (ExecutionContext#consumers). */
  private final Map<String, Map<String, java.util.Set<String>>> consumers;
  private String storeId;

  public NodeLauncher(MetadataStore store, ComponentRegistry registry, String pipeline, String runId, Path root,
      List<String> beamArgs, ProgressFactory progress, boolean cacheEnabled,
      Map<String, Map<String, java.util.Set<String>>> consumers) {
    this.consumers = Map.copyOf(consumers);
    this.store = store;
    this.queries = new StoreQueries(store);
    this.registry = registry;
    this.pipeline = pipeline;
    this.runId = runId;
    this.root = root;
    this.beamArgs = List.copyOf(beamArgs);
    this.progress = progress;
    this.cacheEnabled = cacheEnabled;
  }

  /** Runs the node with these resolved inputs (stored artifacts by input key). */
  public NodeOutcome launch(NodeSpec node, Map<String, List<Artifact>> inputs) {
    long start = System.currentTimeMillis();
    ComponentSpec<?> comp = registry.get(node.component());
    StoreSchema.registerExecutionType(store, comp.type());
    // A custom component's artifact types are registered as its nodes run (the built-in ones by StoreSchema):
    // its outputs failed to record after the executor ran ("register it with putType first").
    StoreSchema.registerArtifactTypes(store, comp);
    List<Context> contexts = List.of(Context.of(Keys.PIPELINE_CONTEXT, pipeline), Context.of(Keys.RUN_CONTEXT, runId),
        Context.of(Keys.NODE_CONTEXT, Keys.nodeContext(pipeline, node.id())));
    var inputEvents = new ArrayList<ArtifactAndEvent>();
    var fingerprints = new LinkedHashMap<String, List<String>>();
    var apiInputs = new LinkedHashMap<String, List<org.millrace.api.artifact.Artifact>>();
    inputs.forEach((key, list) -> {
      for (int i = 0; i < list.size(); i++) {
        inputEvents.add(new ArtifactAndEvent(list.get(i), org.millrace.metadata.EventType.INPUT, key, i));
      }
      fingerprints.put(key, list.stream().map(Artifacts::fingerprint).toList());
      var declared = comp.input(key).map(k -> (org.millrace.api.artifact.ArtifactType<?>) k.type()).orElse(null);
      apiInputs.put(key, list.stream().map(a -> declared == null ? Artifacts.toApi(a) : Artifacts.toApi(a, declared))
          .toList());
    });
    CacheKey key;
    Object params;
    try {
      params = ParameterBinder.bind(comp.parametersType(), node.parameters());
      String driverFp = comp.driver().isPresent() ? fingerprintExternal(comp, params, node) : "";
      // Settings that do not change the outputs (thread counts) stay out: another machine hits the cache.
      key = new CacheKey(comp.type(), comp.executorVersion(), ParameterBinder.toCacheJson(params), fingerprints,
          driverFp);
    } catch (Exception e) {
      long id = store.putExecution(Execution.create(comp.type(), ExecutionState.FAILED, Map.of(),
          baseProps(node, null, 1, start)).withCustomProperties(Map.of(Keys.ERROR, Value.of(describe(e)))),
          inputEvents, contexts).executionId();
      return new NodeOutcome(node.id(), ExecutionState.FAILED, id, Map.of(), describe(e),
          System.currentTimeMillis() - start, 1, misconfigured(e));
    }
    if (cacheEnabled && node.cache() && comp.cacheable()) {
      // The same work executing elsewhere (a run of this pipeline at once) is waited for, then reused.
      try (var same = SameWorkLock.take(root, comp.type(), key.hash(), node.id())) {
        var hit = queries.cacheHit(comp.type(), key.hash());
        if (hit.isPresent()) {
          // What a killed execution of this node left goes here too, not only when the node runs again.
          ArtifactLocations.cleanStale(store, storeId(), root.resolve(node.id()))
              .forEach(p -> LOG.info("node {}: deleted {} left by an execution that no longer runs", node.id(), p));
          return publishCached(node, comp, key, hit.get(), inputEvents, contexts, start);
        }
        return execute(node, comp, params, apiInputs, key, inputEvents, contexts, start);
      }
    }
    return execute(node, comp, params, apiInputs, key, inputEvents, contexts, start);
  }

  /** Executes the node (its attempts), recording each; the cache was no help. */
  private NodeOutcome execute(NodeSpec node, ComponentSpec<?> comp, Object params,
      Map<String, List<org.millrace.api.artifact.Artifact>> apiInputs, CacheKey key,
      List<ArtifactAndEvent> inputEvents, List<Context> contexts, long start) {
    String lastError = null;
    boolean lastMisconfigured = false;
    long lastId = -1;
    int attempts = node.retry().maxAttempts();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      var props = new LinkedHashMap<>(baseProps(node, key, attempt, System.currentTimeMillis()));
      props.putAll(Liveness.owner());
      Execution running = Execution.create(comp.type(), ExecutionState.RUNNING, Map.of(), props);
      long id = store.putExecution(running, inputEvents, contexts).executionId();
      lastId = id;
      String location = ArtifactLocations.newLocation(id, storeId());
      running = running.withId(id).withCustomProperties(Map.of(ArtifactLocations.LOCATION, Value.of(location)));
      store.putExecution(running);
      Liveness.Lease lease = Liveness.lease(store, running);
      final Execution started = running;
      try {
        Ran ran = runOnce(node, comp, params, apiInputs, id, location, key);
        try {
          var outEvents = new ArrayList<ArtifactAndEvent>();
          ran.outputs().forEach((k, list) -> list.forEach(a -> outEvents.add(ArtifactAndEvent.output(a, k))));
          CrashPoints.hit("node-renamed:" + node.id());
          // An execution that took over an earlier one's resume directory (its checkpoints) names it: the model
          // of a Trainer resumed after a kill was trained in part by that execution, which lineage did not say.
          var ended = new LinkedHashMap<String, Value>(Map.of(Keys.ENDED_MS, Value.of(System.currentTimeMillis())));
          if (ran.claim().from() >= 0) {
            ended.put(Keys.RESUMED_FROM, Value.of(ran.claim().from()));
          }
          var result = lease.finish(() -> store.putExecution(started.withState(ExecutionState.COMPLETE)
              .withCustomProperties(ended), outEvents, contexts));
          // The checkpoints go once the outputs are recorded, not before: a store that fails the record (a
          // database gone) leaves them to the resume that does the node again. A kill in between leaves them
          // to the node's next command (ArtifactLocations.cleanStale).
          CrashPoints.hit("node-recorded:" + node.id());
          deleteTree(ran.claim().dir());
          return new NodeOutcome(node.id(), ExecutionState.COMPLETE, id, withIds(ran.outputs(), result.artifactIds()),
              null, System.currentTimeMillis() - start, attempt);
        } finally {
          ran.claim().close();
        }
      } catch (Exception | OutOfMemoryError | StackOverflowError e) {
        // An Error other than these two (a LinkageError, an InternalError) leaves the JVM in no state to go on.
        lastError = describe(e);
        lastMisconfigured = misconfigured(e);
        // The whole trace goes to the run's log file (and the console with -v), not to the quiet console.
        LOG.info("node {} attempt {}/{} failed", node.id(), attempt, attempts, e);
        if (attempt < attempts) {
          LOG.warn("node {} attempt {}/{} failed: {}", node.id(), attempt, attempts, lastError);
        } else if (attempts > 1) {
          // The last attempt's error is what the node failed with: the runner prints it once.
          LOG.warn("node {} attempt {}/{} failed", node.id(), attempt, attempts);
        }
        String error = lastError;
        try {
          lease.finish(() -> store.putExecution(failed(started, error, e)));
        } catch (MetadataStoreException recording) {
          // The store itself failed (the outcome, then the failure, could not be recorded): that is the error to
          // report, naming the node; its execution stays RUNNING until a later command finds its process gone.
          recording.addSuppressed(e);
          throw new MetadataStoreException("node '" + node.id() + "': the metadata store failed recording its "
              + (e instanceof MetadataStoreException ? "outcome" : "failure (" + error + ")") + ": "
              + recording.getMessage() + ". Its checkpoints are kept for 'millrace resume' once the store is back",
              recording);
        }
        if (attempt < attempts) {
          sleep(node.retry().initialBackoffMillis() << (attempt - 1));
        }
      } catch (Error e) {
        // Not survived here, but not silent: the execution records what it died of (it stayed RUNNING,
        // later "abandoned: process gone", the cause lost), then the error goes on.
        String error = describe(e);
        LOG.error("node {} died of {}", node.id(), error, e);
        try {
          lease.finish(() -> store.putExecution(failed(started, error, e)));
        } catch (RuntimeException | Error recording) {
          e.addSuppressed(recording);
        }
        throw e;
      }
    }
    return new NodeOutcome(node.id(), ExecutionState.FAILED, lastId, Map.of(), lastError,
        System.currentTimeMillis() - start, attempts, lastMisconfigured);
  }

  /**
   * Whether a failure is the parameters' (a {@link org.millrace.api.spec.ParameterException} in its
   * causes: a label or feature that is no column, an op that does not fit its feature's type).
   */
  static boolean misconfigured(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.millrace.api.spec.ParameterException) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private <P> String fingerprintExternal(ComponentSpec<P> comp, Object params, NodeSpec node) throws Exception {
    var ctx = new LaunchContext(pipeline, runId, node.id(), -1, root, root.resolve(node.id()).resolve(".resume-driver"),
        beamArgs, progress, consumers.getOrDefault(node.id(), Map.of()));
    return comp.driver().orElseThrow().fingerprint((P) params, ctx);
  }

  private synchronized String storeId() {
    if (storeId == null) {
      storeId = ArtifactLocations.storeId(store);
    }
    return storeId;
  }

  /** The record of an execution that failed with {@code e}, described as {@code error}. */
  private static Execution failed(Execution started, String error, Throwable e) {
    return started.withState(ExecutionState.FAILED).withCustomProperties(Map.of(Keys.ERROR,
        Value.of(error + stackSummary(e)), Keys.ENDED_MS, Value.of(System.currentTimeMillis())));
  }

  /** The outputs of an execution that ran, and its resume directory, held until they are recorded. */
  private record Ran(Map<String, List<Artifact>> outputs, ResumeDirs.Claim claim) {}

  @SuppressWarnings("unchecked")
  private <P> Ran runOnce(NodeSpec node, ComponentSpec<P> comp, Object params,
      Map<String, List<org.millrace.api.artifact.Artifact>> inputs, long executionId, String location, CacheKey key)
      throws Exception {
    // What a killed or crashed earlier execution of this node left behind goes first.
    ArtifactLocations.cleanStale(store, storeId(), root.resolve(node.id()))
        .forEach(p -> LOG.info("node {}: deleted {} left by an execution that no longer runs", node.id(), p));
    var temps = new LinkedHashMap<String, Path>();
    var finals = new LinkedHashMap<String, Path>();
    for (OutputKey<?> out : comp.outputs()) {
      Path dir = Files.createDirectories(root.resolve(node.id()).resolve(out.name()));
      temps.put(out.name(), Files.createDirectory(dir.resolve(".tmp-" + location)));
      finals.put(out.name(), dir.resolve(location));
    }
    Path scratch = Files.createDirectories(root.resolve(node.id()).resolve(".scratch-" + location));
    // The resume directory belongs to this execution; a retry or a later resume with the same cache key takes
    // over the checkpoints a dead execution left, never those of a concurrent run (see ResumeDirs).
    ResumeDirs.Claim claim = ResumeDirs.claim(root.resolve(node.id()), key == null ? null : key.hash(), executionId);
    try {
      ResumeDirs.markStore(claim, storeId());
    } catch (IOException | RuntimeException e) {
      claim.close();
      throw e;
    }
    Path resume = claim.dir();
    var ctx = new LaunchContext(pipeline, runId, node.id(), executionId, scratch, resume, beamArgs, progress,
        consumers.getOrDefault(node.id(), Map.of()));
    var moved = new ArrayList<Path>();
    boolean held = false;
    try {
      Executor<P> executor = comp.executor().get();
      CrashPoints.hit("node-start:" + node.id());
      ExecutorResult result = executor.execute(new ExecutorInput<>(inputs, temps, (P) params), ctx);
      var outputs = new LinkedHashMap<String, List<Artifact>>();
      for (OutputKey<?> out : comp.outputs()) {
        Path temp = temps.get(out.name());
        Path fin = finals.get(out.name());
        if (Files.exists(fin, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          // rename(2) would replace an empty directory: an existing target is never overwritten or adopted.
          throw new IllegalStateException(fin + " expected not to exist, but it does: another metadata store"
              + " sharing the pipeline root " + root + " (or a store restored from a backup) wrote it; millrace"
              + " never overwrites or adopts an existing artifact directory");
        }
        Files.move(temp, fin, StandardCopyOption.ATOMIC_MOVE);
        moved.add(fin);
        var props = new LinkedHashMap<String, Object>(result.properties(out));
        props.put(Keys.FINGERPRINT, Fingerprints.ofDirectory(fin));
        outputs.put(out.name(), List.of(Artifacts.toStore(out.type().name(), fin.toString(), props)));
      }
      held = true;
      return new Ran(outputs, claim);
    } catch (Exception | Error e) {
      // Nothing half-written stays behind: temporary outputs and already renamed ones go, except the
      // quarantined rows that the error message sends the user to: those move to a kept directory.
      String original = unwrapped(e).getMessage();
      String message = original;
      for (var t : temps.entrySet()) {
        Path q = t.getValue().resolve("quarantine");
        if (Files.isDirectory(q)) {
          Path kept = root.resolve(node.id()).resolve(t.getKey()).resolve("quarantine-" + location);
          try {
            Files.move(q, kept, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("node {}: quarantined rows of the failed execution {} kept in {}", node.id(), executionId, kept);
            if (message != null) {
              message = message.replace(q.toString(), kept.toString());
            }
          } catch (IOException moveFailed) {
            e.addSuppressed(moveFailed);
          }
        }
      }
      temps.values().forEach(NodeLauncher::deleteTree);
      moved.forEach(NodeLauncher::deleteTree);
      if (message != null && !message.equals(original)) {
        throw new QuarantineKeptException(message, e);
      }
      throw e;
    } finally {
      deleteTree(scratch);
      if (!held) {
        claim.close();
      }
    }
  }

  private NodeOutcome publishCached(NodeSpec node, ComponentSpec<?> comp, CacheKey key, Execution hit,
      List<ArtifactAndEvent> inputEvents, List<Context> contexts, long start) {
    Map<String, List<Artifact>> outputs = queries.outputs(hit.id());
    var events = new ArrayList<>(inputEvents);
    outputs.forEach((k, list) -> list.forEach(a -> events.add(ArtifactAndEvent.output(a, k))));
    var props = new LinkedHashMap<>(baseProps(node, key, 1, start));
    props.put(Keys.CACHED_FROM, Value.of(hit.id()));
    props.put(Keys.ENDED_MS, Value.of(System.currentTimeMillis()));
    long id = store.putExecution(Execution.create(comp.type(), ExecutionState.CACHED, Map.of(), props), events,
        contexts).executionId();
    LOG.info("node {}: cache hit (execution {})", node.id(), hit.id());
    return new NodeOutcome(node.id(), ExecutionState.CACHED, id, outputs, null, System.currentTimeMillis() - start, 0);
  }

  private Map<String, Value> baseProps(NodeSpec node, CacheKey key, int attempt, long started) {
    var p = new LinkedHashMap<String, Value>();
    p.put(Keys.PIPELINE, Value.of(pipeline));
    p.put(Keys.RUN_ID, Value.of(runId));
    p.put(Keys.NODE, Value.of(node.id()));
    p.put(Keys.ATTEMPT, Value.of((long) attempt));
    p.put(Keys.STARTED_MS, Value.of(started));
    p.put(CodeIdentity.VERSION, Value.of(CodeIdentity.version()));
    p.put(CodeIdentity.CODE, Value.of(CodeIdentity.code()));
    if (key != null) {
      p.put(Keys.CACHE_KEY, Value.of(key.hash()));
      p.put(Keys.CACHE_PARAMETERS, Value.of(key.parametersJson()));
      p.put(Keys.CACHE_EXECUTOR_VERSION, Value.of(key.executorVersion()));
      p.put(Keys.CACHE_INPUTS, Value.of(key.inputsJson()));
      p.put(Keys.CACHE_DRIVER, Value.of(key.driverFingerprint()));
    }
    return p;
  }

  private static Map<String, List<Artifact>> withIds(Map<String, List<Artifact>> outputs, List<Long> ids) {
    var out = new LinkedHashMap<String, List<Artifact>>();
    int i = 0;
    for (var e : outputs.entrySet()) {
      var list = new ArrayList<Artifact>();
      for (Artifact a : e.getValue()) {
        list.add(a.withId(ids.get(i++)));
      }
      out.put(e.getKey(), list);
    }
    return out;
  }

  /** A failure whose message names the kept quarantine files instead of the deleted temporary output. */
  static final class QuarantineKeptException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    QuarantineKeptException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static String describe(Throwable e) {
    if (e instanceof QuarantineKeptException) {
      return describeWith(unwrapped(e.getCause()), e.getMessage());
    }
    Throwable t = unwrapped(e);
    return describeWith(t, t.getMessage());
  }

  /**
   * The exception a wrapper carries when the wrapper says nothing of its own: Beam's
   * PipelineExecutionException around what a DoFn threw has its cause's toString() as its message,
   * which put "PipelineExecutionException: java.lang.IllegalArgumentException:" before the reason.
   */
  static Throwable unwrapped(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() != null
        && t.getMessage().equals(t.getCause().toString())) {
      t = t.getCause();
    }
    // Not down to a checked exception, which describe() prints without its class: an I/O failure keeps
    // its wrapper's words ("UncheckedIOException: java.nio.file.NoSuchFileException: /data/x.csv").
    return t instanceof RuntimeException || t instanceof Error ? t : e;
  }

  private static String describeWith(Throwable e, String message) {
    // Without words of its own (an ExceptionInInitializerError), its cause's.
    String msg = message != null ? message : e.getCause() != null ? e.getCause().toString() : e.getClass().getName();
    return e instanceof Error || e instanceof RuntimeException
        && !(e instanceof IllegalArgumentException || e instanceof IllegalStateException)
        ? e.getClass().getSimpleName() + ": " + msg : msg;
  }

  private static String stackSummary(Throwable e) {
    var sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append("\n  ").append(t.getClass().getName());
      StackTraceElement[] st = t.getStackTrace();
      for (int i = 0; i < Math.min(3, st.length); i++) {
        sb.append("\n    at ").append(st[i]);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  /** Deletes a file or a directory tree (nothing when it is not there). */
  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
