package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.run.LocalRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace resume <run-id>}. */
@Command(name = "resume", description = "Continue a failed run from its failed nodes, reusing what succeeded.")
final class ResumeCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "RUN_ID")
  String runId;

  @Override
  public Integer call() {
    try (MetadataStore store = cli.openStore()) {
      if (complete(store, runId)) {
        // Nothing to resume is the user's mistake (exit 2), not an infrastructure error (3).
        throw new IllegalArgumentException("resume expected a run with a failed or unfinished node (see 'millrace"
            + " runs'), got run '" + runId + "': every node complete");
      }
      var runner = new LocalRunner(store, ComponentRegistry.load(), Path.of("").toAbsolutePath(), new ConsoleProgress());
      return Summaries.print(cli.out(), runner.resume(runId, LocalRunner.Options.defaults()));
    }
  }

  /** Whether every node of the run's pipeline last completed (or was cached) with its output files still there. */
  static boolean complete(MetadataStore store, String runId) {
    var run = store.getContext(org.millrace.pipelines.launch.Keys.RUN_CONTEXT, runId);
    if (run.isEmpty() || run.get().properties().get(org.millrace.pipelines.launch.Keys.SPEC) == null) {
      return false;
    }
    var spec = org.millrace.pipelines.spec.PipelineSpec.fromJson(String.valueOf(run.get().properties()
        .get(org.millrace.pipelines.launch.Keys.SPEC).raw()));
    var queries = new org.millrace.pipelines.launch.StoreQueries(store);
    var done = new java.util.HashMap<String, Boolean>();
    for (var e : queries.runExecutions(runId)) {
      boolean ok = (e.state() == org.millrace.metadata.ExecutionState.COMPLETE
          || e.state() == org.millrace.metadata.ExecutionState.CACHED)
          && queries.outputs(e.id()).values().stream().flatMap(java.util.List::stream)
              .allMatch(org.millrace.pipelines.launch.Artifacts::filesExist);
      done.put(org.millrace.pipelines.launch.StoreQueries.stringProp(e, org.millrace.pipelines.launch.Keys.NODE), ok);
    }
    return spec.nodes().stream().allMatch(n -> done.getOrDefault(n.id(), false));
  }
}
