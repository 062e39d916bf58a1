package org.millrace.pipelines.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.Execution;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.launch.Artifacts;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreQueries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code millrace runs diff RUN RUN}: each node, in the first run's execution order, whose output
 * fingerprints differ between two runs, and why: an input (an upstream artifact or the external data a
 * driver fingerprints), a parameter, the component's code version, or nondeterminism (same inputs,
 * parameters and code, different output). Exits 0 when every artifact is equal, 1 when the runs part.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "Every artifact where two runs part, and why (input, parameter, code version, nondeterminism).")
final class RunsDiffCommand implements Callable<Integer> {
  @ParentCommand
  RunsCommand runs;

  @Parameters(index = "0", paramLabel = "RUN_ID")
  String first;

  @Parameters(index = "1", paramLabel = "OTHER_RUN_ID")
  String second;

  @Override
  public Integer call() {
    try (MetadataStore store = runs.cli.openExistingStore()) {
      var q = new StoreQueries(store);
      Map<String, Execution> a = lastPerNode(q, first);
      Map<String, Execution> b = lastPerNode(q, second);
      // Every node, not only the first that parts: a drift baseline (an input) parting at the validator said
      // nothing of a trainer parting for a parameter further on.
      int parted = 0;
      for (var e : a.entrySet()) {
        String node = e.getKey();
        Execution x = e.getValue();
        Execution y = b.get(node);
        if (y == null) {
          parted += parted(node + ": only in run " + first);
          continue;
        }
        Map<String, String> fx = fingerprints(q, x);
        Map<String, String> fy = fingerprints(q, y);
        // A cache hit (CACHED) reuses the same artifacts a COMPLETE execution wrote: the same outcome.
        if (fx.equals(fy) && succeeded(x) == succeeded(y)) {
          runs.cli.out().println("same     " + node + " " + String.join(" ", fx.values().stream().map(
              RunsDiffCommand::shortFp).toList()));
          continue;
        }
        // Every output that differs (only the first was named: a blessing that parted beside its evaluation
        // went unsaid).
        var keys = new java.util.LinkedHashSet<>(fx.keySet());
        keys.addAll(fy.keySet());
        List<String> outputs = keys.stream().filter(k -> !Objects.equals(fx.get(k), fy.get(k))).toList();
        if (outputs.isEmpty()) {
          outputs = List.of(keys.stream().findFirst().orElse("(none)"));
        }
        var lines = new ArrayList<String>();
        for (String output : outputs) {
          lines.add(node + "." + output + ": " + shortFp(fx.get(output)) + " vs " + shortFp(fy.get(output)));
        }
        parted += parted(String.join("\n         ", lines) + (x.state() == y.state() ? "" : " (" + x.state() + " vs "
            + y.state() + ")") + "\n  why: " + why(x, y, e2 -> locations(q, e2)));
      }
      for (String node : b.keySet()) {
        if (!a.containsKey(node)) {
          parted += parted(node + ": only in run " + second);
        }
      }
      if (parted > 0) {
        runs.cli.out().println("runs " + first + " and " + second + " part at " + parted
            + (parted == 1 ? " node" : " nodes"));
        return MillraceCli.NODE_FAILED;
      }
      runs.cli.out().println("runs " + first + " and " + second + " produced the same artifacts");
      return MillraceCli.OK;
    }
  }

  private int parted(String where) {
    runs.cli.out().println("PARTED   " + where);
    return 1;
  }

  /**
   * Why two executions of one node gave different outputs, from what their cache keys recorded: each
   * input, parameter and line of the external data's fingerprint that changed, as {@code runs
   * explain} words them (the whole parameters' JSON, both sides, said which one only to a careful
   * reader; the data's fingerprint cut at 16 characters said nothing).
   */
  static String why(Execution x, Execution y) {
    return why(x, y, e -> Map.of());
  }

  /** Each input key's artifact locations. */
  static Map<String, List<String>> locations(StoreQueries q, Execution e) {
    var out = new LinkedHashMap<String, List<String>>();
    q.inputs(e.id()).forEach((k, list) -> out.put(k, list.stream().map(Artifact::uri).toList()));
    return out;
  }

  /**
   * As {@link #why(Execution, Execution)}, the inputs' locations at hand: equal inputs at other
   * locations (the same content computed anew, --no-cache) part an output that names its inputs'
   * paths (the Evaluator's names the model's), which is not nondeterminism.
   */
  static String why(Execution x, Execution y, java.util.function.Function<Execution, Map<String, List<String>>> where) {
    var reasons = new ArrayList<String>();
    var inputs = new ArrayList<String>();
    org.millrace.pipelines.launch.CacheExplainer.diffInputs(x, y, inputs);
    inputs.forEach(l -> reasons.add("input: " + l.strip()));
    String dx = StoreQueries.stringProp(x, Keys.CACHE_DRIVER);
    String dy = StoreQueries.stringProp(y, Keys.CACHE_DRIVER);
    if (!Objects.equals(dx, dy)) {
      var lines = org.millrace.pipelines.launch.CacheExplainer.driverChanges(dx, dy);
      reasons.add("input: the external data the node reads differs (" + String.join("; ", lines.subList(1,
          lines.size()).stream().map(String::strip).toList()) + ")");
    }
    var parameters = new ArrayList<String>();
    org.millrace.pipelines.launch.CacheExplainer.diffParameters(x, y, parameters);
    parameters.forEach(l -> reasons.add("parameter: " + l.strip().replaceFirst("^parameter ", "")));
    String vx = StoreQueries.stringProp(x, Keys.CACHE_EXECUTOR_VERSION);
    String vy = StoreQueries.stringProp(y, Keys.CACHE_EXECUTOR_VERSION);
    if (!Objects.equals(vx, vy)) {
      reasons.add("code version: " + vx + " vs " + vy);
    }
    if (reasons.isEmpty()) {
      Map<String, List<String>> lx = where.apply(x);
      Map<String, List<String>> ly = where.apply(y);
      var moved = new java.util.TreeSet<String>();
      lx.forEach((k, v) -> {
        if (ly.containsKey(k) && !v.equals(ly.get(k))) {
          moved.add(k);
        }
      });
      if (!moved.isEmpty()) {
        return "input location: the same content in other artifacts (computed anew) for " + moved.stream()
            .map(k -> "'" + k + "'").toList() + ", and the output names its inputs' locations";
      }
      return StoreQueries.stringProp(x, Keys.CACHE_PARAMETERS) == null
          && StoreQueries.stringProp(y, Keys.CACHE_PARAMETERS) == null
          ? "unknown: the executions recorded no cache key (they failed before binding parameters)"
          : "nondeterminism: same inputs, parameters and code version, different output";
    }
    return String.join("\n  why: ", reasons);
  }

  /** The last execution of each node of a run, in the order the nodes first ran. */
  static Map<String, Execution> lastPerNode(StoreQueries q, String runId) {
    List<Execution> execs = q.runExecutions(runId);
    if (execs.isEmpty()) {
      throw new IllegalArgumentException("run id expected an existing run (see 'millrace runs'), got '" + runId + "'");
    }
    var out = new LinkedHashMap<String, Execution>();
    execs.forEach(e -> out.put(StoreQueries.stringProp(e, Keys.NODE), e));
    return out;
  }

  /**
   * Output key (and index when an output holds several artifacts) to content fingerprint; not an output
   * that records how its run went (timings: the trainer's model run), which differs between equal runs.
   */
  static Map<String, String> fingerprints(StoreQueries q, Execution e) {
    return fingerprints(q, e, false);
  }

  /**
   * As {@link #fingerprints(StoreQueries, Execution)}; with {@code records}, the records of how a run
   * went too, their keys marked {@code (a record of the run)} (runs show lists every output).
   */
  static Map<String, String> fingerprints(StoreQueries q, Execution e, boolean records) {
    var out = new LinkedHashMap<String, String>();
    q.outputs(e.id()).forEach((key, list) -> {
      for (int i = 0; i < list.size(); i++) {
        Artifact art = list.get(i);
        boolean record = art.property(org.millrace.trainer.component.TrainerExecutor.RECORD_OF_RUN).isPresent();
        if (record && !records) {
          continue;
        }
        out.put((list.size() == 1 ? key : key + "[" + i + "]") + (record ? " (a record of the run)" : ""),
            Artifacts.fingerprint(art));
      }
    });
    return out;
  }

  private static boolean succeeded(Execution e) {
    return e.state() == org.millrace.metadata.ExecutionState.COMPLETE
        || e.state() == org.millrace.metadata.ExecutionState.CACHED;
  }

  static String shortFp(String fp) {
    return fp == null || fp.isEmpty() ? "-" : fp.substring(0, Math.min(16, fp.length()));
  }
}
