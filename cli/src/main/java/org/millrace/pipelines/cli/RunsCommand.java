package org.millrace.pipelines.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.launch.CacheExplainer;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.RunProcess;
import org.millrace.pipelines.launch.StoreQueries;
import org.millrace.pipelines.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace runs}, {@code runs show}, {@code runs explain}. */
@Command(name = "runs", description = "List runs; 'show' one; 'explain' a node's cache hit or miss.",
    subcommands = {RunsCommand.Show.class, RunsCommand.Explain.class, RunsDiffCommand.class})
final class RunsCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Override
  public Integer call() {
    try (MetadataStore store = cli.openExistingStore()) {
      var q = new StoreQueries(store);
      var t = new Table("run", "state", "started", "nodes");
      var runs = new java.util.ArrayList<>(store.getContexts(Keys.RUN_CONTEXT));
      java.util.Collections.reverse(runs);
      for (Context run : runs) {
        List<Execution> execs = q.runExecutions(run.name());
        Object started = run.properties().get(Keys.STARTED_MS) == null ? ""
            : Instant.ofEpochMilli((Long) run.properties().get(Keys.STARTED_MS).raw());
        t.row(run.name(), state(run, execs), started, nodeStates(execs).size());
      }
      cli.out().print(t.render());
      return MillraceCli.OK;
    }
  }

  /**
   * A run's state from its executions and its context's record of its process ({@link RunProcess}):
   * FAILED if a node's last execution failed, RUNNING if any runs; with every recorded node complete,
   * FAILED (abandoned) if the process that ran it is gone without ending it (killed between two
   * nodes: the nodes after never started), RUNNING while it lives (between two nodes, or waiting
   * for another run's same work).
   */
  static String state(Context run, List<Execution> execs) {
    Map<String, ExecutionState> last = nodeStates(execs);
    if (last.containsValue(ExecutionState.RUNNING)) {
      return "RUNNING";
    }
    if (last.containsValue(ExecutionState.FAILED)) {
      // A node whose process died (kill -9, a crash) was ended by the next command: say so.
      var lastExec = new java.util.LinkedHashMap<String, Execution>();
      execs.forEach(e -> lastExec.put(StoreQueries.stringProp(e, Keys.NODE), e));
      boolean abandoned = lastExec.values().stream().anyMatch(e -> e.state() == ExecutionState.FAILED && String.valueOf(
          e.property(Keys.ERROR).map(v -> v.raw()).orElse("")).startsWith(
              org.millrace.pipelines.launch.Liveness.ABANDONED));
      return abandoned ? "FAILED (abandoned)" : "FAILED";
    }
    RunProcess.Status process = run == null ? new RunProcess.Ended() : RunProcess.status(run);
    if (process instanceof RunProcess.Gone) {
      return "FAILED (abandoned)";
    }
    if (process instanceof RunProcess.Running) {
      return "RUNNING";
    }
    if (process instanceof RunProcess.Elsewhere) {
      return "UNFINISHED";
    }
    return last.isEmpty() ? "EMPTY" : "SUCCEEDED";
  }

  /**
   * What {@code runs show} says under the state of a run its process did not end: why, the nodes it
   * selected that have no execution, and what to do; empty for a run that ended.
   */
  static java.util.Optional<String> unended(Context run, List<Execution> execs) {
    RunProcess.Status process = RunProcess.status(run);
    Map<String, ExecutionState> states = nodeStates(execs);
    if (process instanceof RunProcess.Ended || states.containsValue(ExecutionState.FAILED)
        || states.containsValue(ExecutionState.RUNNING)) {
      return java.util.Optional.empty();
    }
    var notRun = new java.util.ArrayList<String>();
    org.millrace.metadata.Value selected = run.properties().get(Keys.SELECTED_NODES);
    if (selected != null) {
      for (String n : String.valueOf(selected.raw()).split(",")) {
        if (!n.isEmpty() && !states.containsKey(n)) {
          notRun.add(n);
        }
      }
    }
    String nodes = notRun.isEmpty() ? "" : "; not started: " + notRun;
    if (process instanceof RunProcess.Gone gone) {
      return java.util.Optional.of("abandoned: " + gone.reason().replace("while running", "between two nodes")
          + nodes + ". 'millrace resume " + run.name() + "' runs the rest");
    }
    if (process instanceof RunProcess.Running running) {
      return java.util.Optional.of("process " + running.pid() + " is running it" + nodes);
    }
    var elsewhere = (RunProcess.Elsewhere) process;
    return java.util.Optional.of("not ended by process " + elsewhere.pid() + " on " + elsewhere.host() + " (another"
        + " host: not checked from here)" + nodes);
  }

  static Map<String, ExecutionState> nodeStates(List<Execution> execs) {
    var last = new java.util.LinkedHashMap<String, ExecutionState>();
    execs.forEach(e -> last.put(StoreQueries.stringProp(e, Keys.NODE), e.state()));
    return last;
  }

  @Command(name = "show", description = "The nodes of a run: state, cache, duration, outputs.")
  static final class Show implements Callable<Integer> {
    @ParentCommand
    RunsCommand runs;

    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
      try (MetadataStore store = runs.cli.openExistingStore()) {
        var q = new StoreQueries(store);
        List<Execution> execs = q.runExecutions(runId);
        if (execs.isEmpty()) {
          throw new IllegalArgumentException("run id expected an existing run (see 'millrace runs'), got '" + runId + "'");
        }
        var t = new Table("node", "execution", "state", "attempt", "duration", "outputs / error");
        for (Execution e : execs) {
          Long started = (Long) e.property(Keys.STARTED_MS).map(v -> v.raw()).orElse(null);
          Long ended = (Long) e.property(Keys.ENDED_MS).map(v -> v.raw()).orElse(null);
          String detail = e.state() == ExecutionState.FAILED
              ? String.valueOf(e.property(Keys.ERROR).map(v -> v.raw()).orElse("")).lines().findFirst().orElse("")
              : String.join(" ", q.outputs(e.id()).values().stream().flatMap(List::stream).map(a -> a.uri()).toList());
          t.row(StoreQueries.stringProp(e, Keys.NODE), e.id(), e.state(), StoreQueries.stringProp(e, Keys.ATTEMPT),
              started != null && ended != null ? Summaries.seconds(ended - started) : "", detail);
        }
        Context run = store.getContext(Keys.RUN_CONTEXT, runId).orElse(null);
        runs.cli.out().println("run " + runId + ": " + state(run, execs));
        if (run != null) {
          unended(run, execs).ifPresent(runs.cli.out()::println);
        }
        // The code the executed nodes ran (a cache hit's outputs are the code of the execution it reused).
        var code = new java.util.LinkedHashSet<String>();
        for (Execution e : execs) {
          String v = StoreQueries.stringProp(e, org.millrace.pipelines.launch.CodeIdentity.VERSION);
          if (v != null && e.state() != ExecutionState.CACHED) {
            String jars = StoreQueries.stringProp(e, org.millrace.pipelines.launch.CodeIdentity.CODE);
            code.add("millrace " + v + (jars == null || jars.isEmpty() ? " (from class directories)" : " (jars " + jars
                + ")"));
          }
        }
        if (!code.isEmpty()) {
          runs.cli.out().println("code: " + String.join("; ", code));
        }
        runs.cli.out().print(t.render());
        rowCounts(q, execs).forEach(runs.cli.out()::println);
        RunsFingerprints.print(q, execs, runs.cli.out());
        return MillraceCli.OK;
      }
    }
  }

  /** Counts an ExampleGen records on its Examples, in the order it counts them. */
  static final List<String> COUNTS = List.of("rows_read", "rejected_rows", "missing_label_dropped",
      "missing_label_quarantined");

  /**
   * One line per Examples artifact the run's ExampleGens wrote: rows read, rejected, without a label
   * (dropped or quarantined) and per split ({@code ingest.examples: rows_read 300, rejected_rows 0,
   * missing_label_dropped 6, row_count_eval 98, row_count_train 196}); the run printed them as notices.
   */
  static List<String> rowCounts(StoreQueries q, List<Execution> execs) {
    var lines = new java.util.ArrayList<String>();
    for (Execution e : execs) {
      if (e.state() != ExecutionState.COMPLETE && e.state() != ExecutionState.CACHED) {
        continue;
      }
      q.outputs(e.id()).forEach((key, artifacts) -> {
        for (var a : artifacts) {
          if (a.property("rows_read").isEmpty()) {
            continue;
          }
          var parts = new java.util.ArrayList<String>();
          for (String c : COUNTS) {
            a.property(c).ifPresent(v -> parts.add(c + " " + v.raw()));
          }
          java.util.stream.Stream.concat(a.properties().keySet().stream(), a.customProperties().keySet().stream())
              .filter(k -> k.startsWith("row_count_")).distinct().sorted()
              .forEach(k -> parts.add(k + " " + a.property(k).orElseThrow().raw()));
          lines.add(StoreQueries.stringProp(e, Keys.NODE) + "." + key + ": " + String.join(", ", parts));
        }
      });
    }
    return lines;
  }

  @Command(name = "explain", description = "Why a node of a run was a cache hit or a miss.")
  static final class Explain implements Callable<Integer> {
    @ParentCommand
    RunsCommand runs;

    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Parameters(index = "1", paramLabel = "NODE")
    String node;

    @Override
    public Integer call() {
      try (MetadataStore store = runs.cli.openExistingStore()) {
        Context run = store.getContext(Keys.RUN_CONTEXT, runId).orElseThrow(() -> new IllegalArgumentException(
            "run id expected an existing run (see 'millrace runs'), got '" + runId + "'"));
        String pipeline = PipelineSpec.fromJson(String.valueOf(run.properties().get(Keys.SPEC).raw())).name();
        new CacheExplainer(new StoreQueries(store)).explain(pipeline, runId, node).forEach(runs.cli.out()::println);
        return MillraceCli.OK;
      }
    }
  }
}
