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
      // Nothing to resume (a run that succeeded, collected or not) is said by the runner: exit 2.
      var runner = new LocalRunner(store, ComponentRegistry.load(), Path.of("").toAbsolutePath(), new ConsoleProgress());
      return Summaries.print(cli.out(), runner.resume(runId, LocalRunner.Options.defaults()));
    }
  }
}
