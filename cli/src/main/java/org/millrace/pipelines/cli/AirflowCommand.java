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
@Command(name = "airflow", description = "Airflow integration: export a pipeline as a DAG; trigger a DAG run"
    + " through Airflow's REST API and wait for it.", subcommands = {AirflowCommand.Export.class,
        AirflowCommand.Trigger.class})
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

    @Option(names = "--millrace", description = "The millrace command on the Airflow workers. Default: the launcher"
        + " this command was run with (./millrace of a checkout, bin/millrace of an install), by its absolute path.")
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
      String node = spanFormat == null ? null : BackfillCommand.spanNode(raw, spanNode, false);
      Path dir = Path.of("").toAbsolutePath();
      var dag = new AirflowDag(dagId != null ? dagId : "millrace_" + spec.name().replaceAll("[^A-Za-z0-9_]", "_"),
          spec, millrace != null ? millrace : launcher(dir), file.toAbsolutePath().normalize()
          .toString(), (workdir != null ? workdir.toAbsolutePath() : dir).normalize().toString(), cron,
          java.time.LocalDate.parse(start), catchUp, sets, node, spanFormat,
          airflow.cli.metadata != null ? airflow.cli.metadata : System.getenv("MILLRACE_METADATA_URL"));
      try {
        Files.createDirectories(out);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--out expected a directory it can write to (Airflow's dags folder), got "
            + out + ": " + (e instanceof java.nio.file.FileAlreadyExistsException ? "a file"
                : e instanceof java.nio.file.NoSuchFileException ? "no such directory, and it cannot be made"
                : e.getMessage()));
      }
      String command = dag.millrace();
      if (command.contains("/") && !Files.isExecutable(Path.of(command))) {
        airflow.cli.err().println("warning: the tasks run " + command + ", which is no executable on this machine:"
            + " the Airflow workers must have it there (--millrace names another)");
        airflow.cli.err().flush();
      }
      Path target = out.resolve(dag.dagId() + ".py");
      Files.writeString(target, dag.python());
      airflow.cli.out().println("wrote " + target + " (" + spec.nodes().size() + " tasks)");
      return MillraceCli.OK;
    }
  }

  /**
   * The launcher this command was run with ({@code MILLRACE_LAUNCHER}, set by {@code ./millrace} and
   * {@code bin/millrace} to how they were called) by its absolute path, found on the {@code PATH}
   * when called by name; {@code <dir>/millrace} when run without one. The DAG named this checkout's
   * {@code ./millrace} whatever ran it: from an install, a path that did not exist.
   */
  static String launcher(Path dir) {
    String called = System.getenv("MILLRACE_LAUNCHER");
    if (called == null || called.isBlank()) {
      return dir.resolve("millrace").toString();
    }
    if (called.contains("/")) {
      return dir.resolve(called).normalize().toString();
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(p.isEmpty() ? "." : p, called);
      if (Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().normalize().toString();
      }
    }
    return called;
  }

  @Command(name = "trigger", description = "Trigger a DAG run through Airflow's REST API (/api/v2 with a bearer"
      + " token for Airflow 3, /api/v1 with basic authentication for Airflow 2.x, detected), optionally wait"
      + " for it and list its tasks. Exit code 0 when it succeeded (or was triggered without --wait), 1 when it"
      + " failed, 3 when Airflow cannot be reached or refuses.")
  static final class Trigger implements Callable<Integer> {
    @ParentCommand
    AirflowCommand airflow;

    @Parameters(index = "0", paramLabel = "DAG_ID")
    String dagId;

    @Option(names = "--url", required = true, description = "Airflow's webserver, e.g. http://airflow:8080 (or its"
        + " /api/v1 or /api/v2 root).")
    String url;

    @Option(names = "--api", defaultValue = "auto", description = "auto (ask the server: GET /api/v2/version, then"
        + " /api/v1/version), v2 (Airflow 3) or v1 (Airflow 2.x). Default: ${DEFAULT-VALUE}.")
    String api;

    @Option(names = "--user", description = "User: Airflow 3 gets a token for it from POST /auth/token; Airflow 2.x"
        + " gets basic authentication (its basic_auth API backend).")
    String user;

    @Option(names = "--token-env", description = "Environment variable holding an Airflow 3 access token (JWT), sent"
        + " as the bearer token instead of requesting one with --user.")
    String tokenEnv;

    @Option(names = "--password-env", defaultValue = "AIRFLOW_PASSWORD",
        description = "Environment variable holding the password. Default: ${DEFAULT-VALUE}.")
    String passwordEnv;

    @Option(names = "--run-id", description = "The DAG run's id (default: Airflow's manual__<time>).")
    String runId;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "The run's conf (a YAML value each).")
    java.util.List<String> conf = new ArrayList<>();

    @Option(names = "--unpause", description = "Unpause the DAG first (Airflow pauses new DAGs).")
    boolean unpause;

    @Option(names = "--wait", description = "Wait until the run succeeds or fails, then list its tasks.")
    boolean await;

    @Option(names = "--poll-seconds", converter = Ranges.PollSeconds.class, defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    double pollSeconds;

    @Option(names = "--timeout-minutes", converter = Ranges.TimeoutMinutes.class, defaultValue = "720", description = "Default: ${DEFAULT-VALUE}.")
    double timeoutMinutes;

    @Override
    public Integer call() throws Exception {
      var confMap = new java.util.LinkedHashMap<String, Object>();
      for (String c : conf) {
        int eq = c.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--conf expected KEY=VALUE, got '" + c + "'");
        }
        confMap.put(c.substring(0, eq), YamlPipelineLoader.value(c.substring(eq + 1), "--conf " + c.substring(0, eq)));
      }
      var out = airflow.cli.out();
      String token = null;
      if (tokenEnv != null) {
        token = System.getenv(tokenEnv);
        if (token == null || token.isBlank()) {
          throw new IllegalArgumentException("--token-env expected the environment variable " + tokenEnv
              + " to hold an access token, got " + (token == null ? "no such variable" : "an empty one"));
        }
      }
      var apiChoice = AirflowServers.api(api);
      AirflowServers.root(url);
      try {
        var rest = AirflowServers.connect(url, apiChoice, user, user == null ? null : System.getenv(passwordEnv),
            token);
        out.println("airflow: Airflow " + rest.serverVersion() + " at " + rest.baseUrl() + ", "
            + rest.authentication());
        if (unpause) {
          rest.unpause(dagId);
          out.println("airflow: unpaused " + dagId);
        }
        var run = rest.trigger(dagId, runId, confMap);
        out.println("airflow: triggered " + dagId + " run " + run.runId() + " (" + run.state() + ")");
        out.flush();
        if (!await) {
          return MillraceCli.OK;
        }
        var done = rest.await(dagId, run.runId(), java.time.Duration.ofMillis(Math.max(1,
            Math.round(pollSeconds * 1000))), java.time.Duration.ofMillis(Math.round(timeoutMinutes * 60_000)), line -> {
              out.println(line);
              out.flush();
            });
        var t = new Table("task", "state", "try", "duration");
        for (var ti : rest.taskInstances(dagId, run.runId())) {
          t.row(ti.taskId(), ti.state(), ti.tryNumber(), ti.duration());
        }
        out.print(t.render());
        return "success".equals(done.state()) ? MillraceCli.OK : MillraceCli.NODE_FAILED;
      } catch (IllegalStateException e) {
        airflow.cli.spec.commandLine().getErr().println("error: " + e.getMessage());
        return MillraceCli.INFRASTRUCTURE;
      }
    }
  }
}
