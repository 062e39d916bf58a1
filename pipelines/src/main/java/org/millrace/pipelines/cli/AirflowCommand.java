package org.millrace.pipelines.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.Overrides;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.airflow.AirflowDag;
import org.millrace.pipelines.schedule.Cron;
import org.millrace.pipelines.spec.PipelineSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace airflow}: Airflow integration. */
@Command(name = "airflow", description = "Airflow integration: export a pipeline as a DAG.",
    subcommands = {AirflowCommand.Export.class})
final class AirflowCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Override
  public Integer call() {
    cli.spec.commandLine().getSubcommands().get("airflow").usage(cli.out());
    return MillraceCli.USAGE;
  }

  @Command(name = "export", description = "Write an Airflow DAG file: one task per node, each running 'millrace"
      + " run-node' in the DAG run's run id, dependencies from the pipeline's channels.")
  static final class Export implements Callable<Integer> {
    @ParentCommand
    AirflowCommand airflow;

    @Parameters(index = "0", paramLabel = "PIPELINE_YAML")
    Path file;

    @Option(names = "--out", defaultValue = ".", description = "Directory for <dag_id>.py (Airflow's dags folder).")
    Path out;

    @Option(names = "--dag-id", description = "Default: millrace_<pipeline name>.")
    String dagId;

    @Option(names = "--cron", description = "The DAG's schedule (default: none, triggered runs only).")
    String cron;

    @Option(names = "--start", defaultValue = "2026-01-01", description = "The DAG's start_date (ISO date, UTC).")
    String start;

    @Option(names = "--catch-up", description = "Airflow's catchup: run every interval since --start.")
    boolean catchUp;

    @Option(names = "--span-format", description = "Each DAG run reads the span of its data interval: the interval's"
        + " start in this pattern (yyyy, MM, dd, HH) becomes the ExampleGen node's span.")
    String spanFormat;

    @Option(names = "--span-node", description = "The node that gets the span (default: the only ExampleGen node).")
    String spanNode;

    @Option(names = "--set", paramLabel = "NODE.PARAMETER=VALUE", description = "Parameter overrides for every task.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--millrace", description = "The millrace command on the Airflow workers. Default: this"
        + " checkout's ./millrace.")
    String millrace;

    @Option(names = "--workdir", description = "Working directory of the tasks (where relative paths in the pipeline"
        + " resolve). Default: the current directory.")
    Path workdir;

    @Override
    public Integer call() throws Exception {
      var raw = YamlPipelineLoader.load(file);
      // Compile now, so that a pipeline that would fail in every task fails here instead.
      PipelineSpec spec = new PipelineCompiler(ComponentRegistry.load()).compile(Overrides.apply(raw,
          sets.stream().map(Overrides::parse).toList()));
      if (cron != null) {
        Cron.parse(cron);
      }
      String node = spanFormat == null ? null : BackfillCommand.spanNode(raw, spanNode);
      Path dir = Path.of("").toAbsolutePath();
      var dag = new AirflowDag(dagId != null ? dagId : "millrace_" + spec.name().replaceAll("[^A-Za-z0-9_]", "_"),
          spec, millrace != null ? millrace : dir.resolve("millrace").toString(), file.toAbsolutePath().normalize()
          .toString(), (workdir != null ? workdir.toAbsolutePath() : dir).normalize().toString(), cron,
          java.time.LocalDate.parse(start), catchUp, sets, node, spanFormat,
          airflow.cli.metadata != null ? airflow.cli.metadata : System.getenv("MILLRACE_METADATA_URL"));
      Files.createDirectories(out);
      Path target = out.resolve(dag.dagId() + ".py");
      Files.writeString(target, dag.python());
      airflow.cli.out().println("wrote " + target + " (" + spec.nodes().size() + " tasks)");
      return MillraceCli.OK;
    }
  }
}
