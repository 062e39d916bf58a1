package org.millrace.pipelines.run;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.Value;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.NodeLauncher;
import org.millrace.pipelines.launch.NodeOutcome;
import org.millrace.pipelines.launch.ProgressFactory;
import org.millrace.pipelines.launch.StoreQueries;
import org.millrace.pipelines.launch.StoreSchema;
import org.millrace.pipelines.spec.ChannelRef;
import org.millrace.pipelines.spec.NodeSpec;
import org.millrace.pipelines.spec.PipelineSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline in this process: each node starts as soon as the nodes it depends on have
 * finished, up to {@code parallelism} at a time; a failed node skips its dependents.
 */
public final class LocalRunner {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  private final MetadataStore store;
  private final StoreQueries queries;
  private final ComponentRegistry registry;
  private final Path projectDir;
  private final ProgressFactory progress;

  public LocalRunner(MetadataStore store, ComponentRegistry registry, Path projectDir, ProgressFactory progress) {
    this.store = store;
    this.queries = new StoreQueries(store);
    this.registry = registry;
    this.projectDir = projectDir;
    this.progress = progress;
  }

  /** Options of a run. */
  public record Options(int parallelism, boolean cache) {
    public Options {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism expected at least 1, got " + parallelism);
      }
    }

    public static Options defaults() {
      return new Options(Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    }
  }

  public RunResult run(PipelineSpec spec, Selection selection, Options options) {
    String runId = newRunId(spec.name());
    StoreSchema.register(store);
    store.putContext(Context.of(Keys.PIPELINE_CONTEXT, spec.name()));
    Set<String> nodes = selection.nodes(spec);
    var props = new LinkedHashMap<String, Value>();
    props.put(Keys.SPEC, new Value.StructValue(spec.toJson()));
    props.put(Keys.STARTED_MS, Value.of(System.currentTimeMillis()));
    // What a resume may do again: this part of the pipeline, not the whole (recorded for a whole run too, so
    // that a run of before, without it, is told apart).
    props.put(Keys.SELECTED_NODES, Value.of(String.join(",", nodes)));
    if (!options.cache()) {
      props.put(Keys.CACHE_DISABLED, Value.of(1L)); // and so for its resume
    }
    store.putContext(Context.of(Keys.RUN_CONTEXT, runId, props));
    return locked(spec, runId, nodes, Map.of(), options);
  }

  /** {@link #execute} holding the run's {@link RunLock}: one process runs or resumes a run at a time. */
  private RunResult locked(PipelineSpec spec, String runId, Set<String> selected,
      Map<String, Map<String, List<Artifact>>> reused, Options options) {
    try (var lock = lock(spec, runId)) {
      return owned(runId, () -> execute(spec, runId, selected, reused, options));
    }
  }

  /**
   * {@code body}, the run's context recording this process as running it and, once body returns or
   * throws, as having ended it ({@link org.millrace.pipelines.launch.RunProcess}): a process killed
   * between two nodes leaves the run not ended, which 'millrace runs' then says.
   */
  private RunResult owned(String runId, java.util.function.Supplier<RunResult> body) {
    org.millrace.pipelines.launch.RunProcess.started(store, runId);
    try {
      return body.get();
    } finally {
      org.millrace.pipelines.launch.RunProcess.ended(store, runId);
    }
  }

  private org.millrace.pipelines.launch.RunLock lock(PipelineSpec spec, String runId) {
    return org.millrace.pipelines.launch.RunLock.take(projectDir.resolve(spec.pipelineRoot()).normalize(), runId);
  }

  /**
   * Runs one node as a task of run {@code runId}, the way an orchestrator that runs each node as
   * its own task (Airflow, through {@code millrace run-node}) does: the run is created with this
   * spec when it is new and must have been created with the same spec when it is not; the node's
   * upstream nodes must have completed in this run, and their outputs there are its inputs. A node
   * that already completed in the run runs again (an orchestrator's retry; the cache makes it cheap).
   */
  public RunResult runNode(PipelineSpec spec, String runId, String nodeId, Options options) {
    StoreSchema.register(store);
    NodeSpec node = spec.node(nodeId).orElseThrow(() -> new IllegalArgumentException("node expected one of "
        + spec.nodes().stream().map(NodeSpec::id).toList() + " of pipeline '" + spec.name() + "', got '" + nodeId
        + "'"));
    if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9._:+-]{0,199}")) {
      throw new IllegalArgumentException("run id expected letters, digits and . _ : + - (at most 200), got '" + runId
          + "'");
    }
    Optional<Context> run = store.getContext(Keys.RUN_CONTEXT, runId);
    if (run.isPresent()) {
      Value stored = run.get().properties().get(Keys.SPEC);
      if (stored == null || !String.valueOf(stored.raw()).equals(spec.toJson())) {
        throw new IllegalArgumentException("run " + runId + " expected the pipeline spec it was started with; the"
            + " pipeline has changed since (its nodes, inputs or parameters). Start a new run");
      }
    } else {
      store.putContext(Context.of(Keys.PIPELINE_CONTEXT, spec.name()));
      store.putContext(Context.of(Keys.RUN_CONTEXT, runId, Map.of(Keys.SPEC, new Value.StructValue(spec.toJson()),
          Keys.STARTED_MS, Value.of(System.currentTimeMillis()))));
    }
    var done = new LinkedHashMap<String, Map<String, List<Artifact>>>();
    for (Execution e : queries.runExecutions(runId)) {
      String n = StoreQueries.stringProp(e, Keys.NODE);
      if (!n.equals(nodeId) && (e.state() == ExecutionState.COMPLETE || e.state() == ExecutionState.CACHED)) {
        done.put(n, queries.outputs(e.id()));
      }
    }
    for (String u : node.upstream()) {
      if (done.containsKey(u) && !done.get(u).values().stream().flatMap(List::stream)
          .allMatch(org.millrace.pipelines.launch.Artifacts::filesExist)) {
        throw new IllegalArgumentException("node '" + nodeId + "' of run " + runId + " expected the outputs of its"
            + " upstream node '" + u + "', but their files were deleted (millrace gc); start a new run");
      }
    }
    List<String> missing = node.upstream().stream().filter(u -> !done.containsKey(u)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("node '" + nodeId + "' of run " + runId + " expected its upstream nodes "
          + missing + " to have completed in this run first");
    }
    var upstream = new LinkedHashMap<String, Map<String, List<Artifact>>>();
    node.upstream().forEach(u -> upstream.put(u, done.get(u)));
    return execute(spec, runId, Set.of(nodeId), upstream, options);
  }

  /** Continues a run: nodes that completed in it are reused, the rest run again in the same run. */
  public RunResult resume(String runId, Options options) {
    StoreSchema.register(store);
    Context run = store.getContext(Keys.RUN_CONTEXT, runId).orElseThrow(() -> new IllegalArgumentException(
        "run id expected an existing run (see 'millrace runs'), got '" + runId + "'"));
    Value specJson = run.properties().get(Keys.SPEC);
    if (specJson == null) {
      throw new IllegalStateException("run " + runId + " expected a stored pipeline spec, got none");
    }
    PipelineSpec spec = PipelineSpec.fromJson(String.valueOf(specJson.raw()));
    // The run's lock first, then its state: a resume that ended just before would otherwise leave this one
    // running the nodes it completed.
    try (var lock = lock(spec, runId)) {
      // A lock file is of one host and root: a node RUNNING for a live process (another host's, with a
      // fresh heartbeat) is another resume of the run too.
      org.millrace.pipelines.launch.Liveness.reconcile(store);
      var last = new LinkedHashMap<String, Execution>();
      for (Execution e : queries.runExecutions(runId)) {
        String node = StoreQueries.stringProp(e, Keys.NODE);
        if (e.state() == ExecutionState.RUNNING && !org.millrace.pipelines.launch.Liveness.orphanOfThisProcess(e)) {
          throw new IllegalArgumentException("run " + runId + " expected no other process running or resuming it,"
              + " got node '" + node + "' running (process " + StoreQueries.stringProp(e,
                  org.millrace.pipelines.launch.Liveness.PID) + " on " + StoreQueries.stringProp(e,
                  org.millrace.pipelines.launch.Liveness.HOST) + "): wait for it to end (millrace runs show " + runId
              + ")");
        }
        last.put(node, e);
      }
      // The nodes the run was started with; for a run recorded before runs kept them, those that ran and what
      // is downstream of them.
      Value recorded = run.properties().get(Keys.SELECTED_NODES);
      var chosen = new java.util.LinkedHashSet<String>();
      if (recorded != null) {
        chosen.addAll(List.of(String.valueOf(recorded.raw()).split(",")));
      } else {
        last.keySet().forEach(n -> {
          chosen.add(n);
          chosen.addAll(spec.downstreamOf(n));
        });
      }
      // Outputs whose files a gc deleted are not reused: the node runs again.
      var reused = new LinkedHashMap<String, Map<String, List<Artifact>>>();
      var collected = new ArrayList<String>();
      boolean succeeded = true;
      for (String node : chosen) {
        Execution e = last.get(node);
        if (e == null || e.state() != ExecutionState.COMPLETE && e.state() != ExecutionState.CACHED) {
          succeeded = false;
          continue;
        }
        Map<String, List<Artifact>> outs = queries.outputs(e.id());
        if (outs.values().stream().flatMap(List::stream).allMatch(org.millrace.pipelines.launch.Artifacts::filesExist)) {
          reused.put(node, outs);
        } else {
          collected.add(node);
        }
      }
      if (succeeded) {
        // A run that succeeded stays as it was, even when gc collected its files since: resuming it would
        // train and push its old configuration again, as a new version, today.
        throw new IllegalArgumentException("resume expected a run with a failed or unfinished node (see 'millrace"
            + " runs'), got run '" + runId + "': every node complete" + (collected.isEmpty() ? ""
                : " (the files of " + collected + " were collected since; 'millrace run' the pipeline to make them"
                    + " again)"));
      }
      // The part of the pipeline the run was started with, what completed reused: the rest runs (a resumed --only
      // trainer ran the evaluator and the pusher downstream of it, and pushed its model).
      boolean noCache = run.properties().get(Keys.CACHE_DISABLED) != null;
      Options resumed = noCache ? new Options(options.parallelism(), false) : options;
      return owned(runId, () -> execute(spec, runId, chosen, reused, resumed));
    }
  }

  /**
   * Per node and output, the components of the nodes that take it as an input and will run in this
   * JVM: selected and not reused (an input through a resolver reads another run's artifact).
   */
  static Map<String, Map<String, Set<String>>> consumers(PipelineSpec spec, Set<String> selected, Set<String> reused) {
    var out = new HashMap<String, Map<String, Set<String>>>();
    for (NodeSpec n : spec.nodes()) {
      if (!selected.contains(n.id()) || reused.contains(n.id())) {
        continue;
      }
      n.inputs().values().stream().flatMap(List::stream).filter(ChannelRef::sameRun).forEach(ref -> out
          .computeIfAbsent(ref.node(), k -> new HashMap<>()).computeIfAbsent(ref.output(), k -> new java.util.TreeSet<>())
          .add(n.component()));
    }
    return out;
  }

  private RunResult execute(PipelineSpec spec, String runId, Set<String> selected,
      Map<String, Map<String, List<Artifact>>> reused, Options options) {
    long start = System.currentTimeMillis();
    Path root = projectDir.resolve(spec.pipelineRoot()).normalize();
    var launcher = new NodeLauncher(store, registry, spec.name(), runId, root, spec.beamPipelineArgs(), progress,
        options.cache(), consumers(spec, selected, reused.keySet()));
    var results = new LinkedHashMap<String, NodeResult>();
    var outputs = new HashMap<String, Map<String, List<Artifact>>>(reused);
    reused.keySet().forEach(n -> results.put(n, result(spec.node(n).orElseThrow(), "REUSED", -1, 0, reused.get(n), null)));
    var pending = new ArrayList<NodeSpec>(spec.nodes().stream()
        .filter(n -> selected.contains(n.id()) && !reused.containsKey(n.id())).toList());
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
      Thread t = new Thread(r, "millrace-node");
      t.setDaemon(true);
      return t;
    });
    var completion = new ExecutorCompletionService<NodeOutcome>(pool);
    int running = 0;
    // Ended by a signal, the run's running nodes record it before the JVM goes (they stayed RUNNING until
    // a later command found the process gone).
    Thread onSignal = new Thread(() -> {
      try {
        org.millrace.pipelines.launch.Liveness.stopped(store, runId);
      } catch (RuntimeException e) {
        LOG.warn("run {}: could not record its running nodes as stopped: {}", runId, e.toString());
      }
    }, "millrace-stopped");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      while (!pending.isEmpty() || running > 0) {
        for (var it = pending.iterator(); it.hasNext(); ) {
          NodeSpec n = it.next();
          List<String> ups = n.upstream().stream().filter(selected::contains).toList();
          if (!ups.stream().allMatch(results::containsKey)) {
            continue;
          }
          it.remove();
          Optional<String> failedUp = ups.stream().filter(u -> !results.get(u).succeeded()).findFirst();
          if (failedUp.isPresent()) {
            // Down a chain of skipped nodes, each names the node that failed, not the skipped one before it.
            NodeResult up = results.get(failedUp.get());
            results.put(n.id(), result(n, "SKIPPED", -1, 0, Map.of(), up.state().equals("SKIPPED") ? up.error()
                : "upstream node '" + failedUp.get() + "' did not succeed"));
            continue;
          }
          Map<String, List<Artifact>> inputs;
          try {
            inputs = resolveInputs(spec, n, runId, outputs);
          } catch (IllegalStateException e) {
            results.put(n.id(), result(n, "FAILED", -1, 0, Map.of(), e.getMessage()));
            continue;
          }
          Optional<String> unchecked = gateNotPassed(spec, n, selected, inputs);
          if (unchecked.isPresent()) {
            results.put(n.id(), result(n, "SKIPPED", -1, 0, Map.of(), unchecked.get()));
            continue;
          }
          LOG.info("node {} ({}) starting", n.id(), n.component());
          completion.submit(() -> launcher.launch(n, inputs));
          running++;
        }
        if (running == 0) {
          continue;
        }
        NodeOutcome o;
        try {
          o = completion.take().get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof org.millrace.metadata.MetadataStoreException store) {
            throw store; // the store failed: said as such (exit 3), not as a bug
          }
          throw new IllegalStateException("BUG: node launch threw instead of recording a failure", e.getCause());
        }
        running--;
        outputs.put(o.node(), o.outputs());
        NodeResult r = result(spec.node(o.node()).orElseThrow(), o.state().name(), o.executionId(),
            o.durationMillis(), o.outputs(), o.error());
        boolean gate = spec.nodes().stream().anyMatch(other -> other.after().contains(o.node()));
        results.put(o.node(), o.misconfigured() || gate ? new NodeResult(r.node(), r.component(), r.state(),
            r.executionId(), r.durationMillis(), r.outputUris(), r.error(), o.misconfigured(), gate) : r);
        LOG.info("node {} {}{}", o.node(), o.state(), o.error() == null ? "" : ": " + o.error());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("run " + runId + " interrupted", e);
    } finally {
      pool.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs
      }
    }
    var ordered = new ArrayList<NodeResult>();
    for (NodeSpec n : spec.nodes()) {
      ordered.add(results.getOrDefault(n.id(), result(n, "NOT_SELECTED", -1, 0, Map.of(), null)));
    }
    return new RunResult(spec.name(), runId, ordered, System.currentTimeMillis() - start);
  }

  private Map<String, List<Artifact>> resolveInputs(PipelineSpec spec, NodeSpec n, String runId,
      Map<String, Map<String, List<Artifact>>> outputs) {
    var comp = registry.get(n.component());
    var resolved = new LinkedHashMap<String, List<Artifact>>();
    for (var e : n.inputs().entrySet()) {
      var list = new ArrayList<Artifact>();
      for (ChannelRef ref : e.getValue()) {
        Optional<Artifact> found = switch (ref.resolver()) {
          case NONE -> outputs.containsKey(ref.node())
              ? outputs.get(ref.node()).getOrDefault(ref.output(), List.of()).stream().findFirst()
              : queries.latestOutput(spec.name(), ref.node(), ref.output(), null);
          case PREVIOUS -> queries.previousOutput(spec.name(), ref.node(), ref.output(), runId,
              spanInThisRun(outputs, ref));
          case LATEST_BLESSED -> queries.latestBlessed(spec.name(), ref.node(), ref.output(), runId);
        };
        if (found.isPresent()) {
          list.add(found.get());
        } else if (ref.sameRun() || !comp.input(e.getKey()).map(k -> k.optional()).orElse(false)) {
          throw new IllegalStateException(String.format("input '%s' from %s expected an artifact%s, got none%s",
              e.getKey(), ref, ref.sameRun() ? "" : " from an earlier run",
              ref.sameRun() ? ". Node '" + ref.node() + "' is not part of this run and never ran: run it first" : ""));
        }
      }
      if (!list.isEmpty()) {
        resolved.put(e.getKey(), list);
      }
    }
    return resolved;
  }

  /** The span of this run's own output of a channel ({@link StoreQueries#spanOf}), when the run wrote one. */
  private OptionalLong spanInThisRun(Map<String, Map<String, List<Artifact>>> outputs, ChannelRef ref) {
    List<Artifact> own = outputs.getOrDefault(ref.node(), Map.of()).getOrDefault(ref.output(), List.of());
    return own.isEmpty() ? OptionalLong.empty() : queries.spanOf(own.get(0));
  }

  /** How far back through the store's events the data a node reads, or a gate checked, is looked for. */
  private static final int GATE_HOPS = 16;

  /**
   * Why node {@code n} may not run on {@code inputs} when a gate it waits for ({@link NodeSpec#after})
   * is not part of this run ({@code --from}, {@code --only} past it, or a resume of such a run): the
   * data it reads (the Examples its inputs were made from, as the gate's data sources wrote them)
   * must have been checked by the gate, and the gate's newest execution that checked it must have
   * passed. So a {@code --from transform} after a run whose validator failed, or after an {@code
   * --only} ingest of new data, is refused, not trained on data that failed or skipped the checks.
   * Empty when every such gate passed the data (or the inputs were made from none of its sources).
   */
  private Optional<String> gateNotPassed(PipelineSpec spec, NodeSpec n, Set<String> selected,
      Map<String, List<Artifact>> inputs) {
    // The gates n waits for, itself or through its upstream nodes: an edge goes only to the first node past a
    // gate (Transform in penguins), and the Evaluator, which reads the ingested examples itself, waits through it.
    var gates = new java.util.LinkedHashSet<String>();
    for (String id : spec.upstreamOf(n.id())) {
      gates.addAll(spec.node(id).orElseThrow().after());
    }
    for (String g : gates) {
      if (selected.contains(g)) {
        continue; // in this run: its outcome is this run's (a failure skips n as an upstream node's)
      }
      Set<String> sources = new java.util.HashSet<>();
      for (String id : spec.upstreamOf(g)) {
        NodeSpec u = spec.node(id).orElseThrow();
        if (u.inputs().values().stream().flatMap(List::stream).noneMatch(ChannelRef::sameRun)
            && registry.get(u.component()).outputs().stream().anyMatch(o -> o.type().name().equals("Examples"))) {
          sources.add(id);
        }
      }
      // What the gate checked and what n reads: the lineage of their inputs of this run (statistics, schema,
      // examples), not of a baseline from an earlier run (the previous statistics a drift check compares with).
      var data = new java.util.TreeMap<Long, String>(); // the Examples n reads, by id: the run that ingested them
      var written = new HashMap<Long, Long>(); // by id: the first execution that wrote them
      for (var e : inputs.entrySet()) {
        if (!sameRun(n, e.getKey())) {
          continue;
        }
        for (Artifact a : e.getValue()) {
          var up = store.lineage(org.millrace.metadata.LineageQuery.fromArtifact(a.id(),
              org.millrace.metadata.LineageQuery.Direction.UPSTREAM, GATE_HOPS));
          for (Artifact x : up.artifacts()) {
            var producer = up.producerOf(x.id()).filter(p -> sources.contains(StoreQueries.stringProp(p, Keys.NODE)));
            if (producer.isPresent()) {
              data.put(x.id(), StoreQueries.runIdOf(producer.get()));
              written.put(x.id(), up.events().stream().filter(ev -> ev.artifactId() == x.id()
                  && ev.type() == org.millrace.metadata.EventType.OUTPUT).mapToLong(ev -> ev.executionId()).min()
                  .orElse(producer.get().id()));
            }
          }
        }
      }
      if (data.isEmpty()) {
        continue;
      }
      // Each data the node reads (a model's training data, the examples an Evaluator reads) on its own: the
      // gate's newest execution over it must have passed it.
      NodeSpec gate = spec.node(g).orElseThrow();
      var checkedBy = new HashMap<Long, Set<Long>>(); // per gate execution: what it checked
      List<Execution> executions = queries.nodeExecutions(spec.name(), g,
          Set.of(ExecutionState.COMPLETE, ExecutionState.CACHED, ExecutionState.FAILED));
      for (var d : data.descendingMap().entrySet()) { // the newest data first: what was just ingested
        Execution verdict = null;
        for (Execution e : executions) {
          if (e.id() < written.get(d.getKey())) {
            break; // newest first: the rest ran before the data was written
          }
          Set<Long> checked = checkedBy.computeIfAbsent(e.id(), id -> {
            var ids = new java.util.HashSet<Long>();
            for (var in : store.getEventsByExecutionIds(List.of(id))) {
              if (in.type() == org.millrace.metadata.EventType.INPUT && sameRun(gate, in.key())) {
                store.lineage(org.millrace.metadata.LineageQuery.fromArtifact(in.artifactId(),
                    org.millrace.metadata.LineageQuery.Direction.UPSTREAM, GATE_HOPS)).artifacts()
                    .forEach(a -> ids.add(a.id()));
              }
            }
            return ids;
          });
          if (checked.contains(d.getKey())) {
            verdict = e;
            break;
          }
        }
        String made = "this node's data (from run " + d.getValue() + ")";
        if (verdict == null) {
          return Optional.of("gate '" + g + "' has not checked " + made + ", and is not part of this run: run"
              + " from it (--from " + g + ") or the whole pipeline");
        }
        if (verdict.state() == ExecutionState.FAILED) {
          String error = String.valueOf(StoreQueries.stringProp(verdict, Keys.ERROR));
          return Optional.of(error.contains("anomal")
              ? "gate '" + g + "' failed on " + made + ", in run " + StoreQueries.runIdOf(verdict)
                  + ": correct the data (or the schema) and run the pipeline again"
              : "gate '" + g + "' did not complete on " + made + " (run " + StoreQueries.runIdOf(verdict) + ": "
                  + error.lines().findFirst().orElse("") + "): run from it (--from " + g + ")");
        }
      }
    }
    return Optional.empty();
  }

  /** Whether input {@code key} of node {@code n} comes from this run's nodes (not through a resolver). */
  private static boolean sameRun(NodeSpec n, String key) {
    List<ChannelRef> refs = n.inputs().get(key);
    return refs != null && !refs.isEmpty() && refs.stream().allMatch(ChannelRef::sameRun);
  }

  private static NodeResult result(NodeSpec n, String state, long id, long ms, Map<String, List<Artifact>> outs,
      String error) {
    var uris = new LinkedHashMap<String, List<String>>();
    outs.forEach((k, v) -> uris.put(k, v.stream().map(Artifact::uri).toList()));
    return new NodeResult(n.id(), n.component(), state, id, ms, uris, error);
  }

  static String newRunId(String pipeline) {
    return pipeline + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
  }
}
