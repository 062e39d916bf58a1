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
      var collected = completed(store, runId);
      if (collected.isPresent()) {
        // Nothing to resume is the user's mistake (exit 2), not an infrastructure error (3). A run that
        // succeeded stays as it was, even when gc collected its files since: resuming it would train and
        // push its old configuration again, as a new version, today.
        throw new IllegalArgumentException("resume expected a run with a failed or unfinished node (see 'millrace"
            + " runs'), got run '" + runId + "': every node complete" + (collected.get().isEmpty() ? ""
                : " (the files of " + collected.get() + " were collected since; 'millrace run' the pipeline to"
                    + " make them again)"));
      }
      var runner = new LocalRunner(store, ComponentRegistry.load(), Path.of("").toAbsolutePath(), new ConsoleProgress());
      return Summaries.print(cli.out(), runner.resume(runId, LocalRunner.Options.defaults()));
    }
  }

  /**
   * When every node the run was started with last completed (or was cached), the nodes among them whose
   * output files are gone (collected by gc); empty when a node failed, did not finish or did not run.
   */
  static java.util.Optional<java.util.List<String>> completed(MetadataStore store, String runId) {
    var run = store.getContext(org.millrace.pipelines.launch.Keys.RUN_CONTEXT, runId);
    if (run.isEmpty() || run.get().properties().get(org.millrace.pipelines.launch.Keys.SPEC) == null) {
      return java.util.Optional.empty();
    }
    var spec = org.millrace.pipelines.spec.PipelineSpec.fromJson(String.valueOf(run.get().properties()
        .get(org.millrace.pipelines.launch.Keys.SPEC).raw()));
    var queries = new org.millrace.pipelines.launch.StoreQueries(store);
    var last = new java.util.HashMap<String, org.millrace.metadata.Execution>();
    for (var e : queries.runExecutions(runId)) {
      last.put(org.millrace.pipelines.launch.StoreQueries.stringProp(e, org.millrace.pipelines.launch.Keys.NODE), e);
    }
    var collected = new java.util.ArrayList<String>();
    // The nodes the run was started with (a run of --only trainer: the trainer).
    for (String n : LocalRunner.selectedNodes(run.get(), spec)) {
      var e = last.get(n);
      if (e == null || e.state() != org.millrace.metadata.ExecutionState.COMPLETE
          && e.state() != org.millrace.metadata.ExecutionState.CACHED) {
        return java.util.Optional.empty();
      }
      if (!queries.outputs(e.id()).values().stream().flatMap(java.util.List::stream)
          .allMatch(org.millrace.pipelines.launch.Artifacts::filesExist)) {
        collected.add(n);
      }
    }
    return java.util.Optional.of(collected);
  }
}
