package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.Overrides;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.run.LocalRunner;
import org.millrace.pipelines.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace run-node}: one node as one task of a run, for orchestrators such as Airflow. */
@Command(name = "run-node", description = "Run one node as a task of a run (what an Airflow task of an exported DAG"
    + " runs): its upstream nodes must have completed in the same run.")
final class RunNodeCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "PIPELINE_YAML")
  Path file;

  @Parameters(index = "1", paramLabel = "NODE")
  String node;

  @Option(names = "--run-id", required = true, description = "The run this task belongs to (Airflow: {{ run_id }}).")
  String runId;

  @Option(names = "--set", paramLabel = "NODE.PARAMETER=VALUE", description = "Parameter overrides (every task of a"
      + " run must get the same).")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    ComponentRegistry registry = ComponentRegistry.load();
    PipelineSpec spec = new PipelineCompiler(registry).compile(Overrides.apply(YamlPipelineLoader.load(file),
        sets.stream().map(Overrides::parse).toList()));
    try (MetadataStore store = cli.openStore()) {
      var runner = new LocalRunner(store, registry, Path.of("").toAbsolutePath(), new ConsoleProgress());
      return Summaries.print(cli.out(), runner.runNode(spec, runId, node, LocalRunner.Options.defaults()));
    }
  }
}
