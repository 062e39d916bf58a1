package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user meets it: the real {@code ./millrace} launcher as a separate process, after one
 * penguins run — what it prints to stdout and stderr and the exit code of each command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliProcessIT {
  /** Every subcommand, by its path below {@code millrace}. */
  static final List<String> COMMANDS = List.of("run", "resume", "runs", "runs show", "runs explain", "lineage",
      "artifacts", "models", "models list", "models bless", "models rollback", "models export-onnx", "serve",
      "schedule", "backfill", "run-node", "airflow", "airflow export", "airflow trigger", "gc", "ui");

  @TempDir
  static Path dir;

  MillraceProcess cli;
  String runId;
  Path pipeline;

  @BeforeAll
  void onePenguinsRun() throws Exception {
    cli = new MillraceProcess(dir);
    pipeline = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml").toAbsolutePath(), dir);
    var r = cli.run("run", pipeline.toString());
    assertEquals(0, r.code(), r.toString());
    runId = r.runId();
  }

  @Test
  void tablesReachStdoutWhenTheJvmExits() throws Exception {
    var runs = cli.run("runs");
    assertEquals(0, runs.code(), runs.toString());
    assertTrue(runs.out().contains(runId) && runs.out().contains("SUCCEEDED"), runs.toString());

    var show = cli.run("runs", "show", runId);
    assertEquals(0, show.code(), show.toString());
    assertTrue(show.out().contains("trainer") && show.out().contains("pusher"), show.toString());

    var models = cli.run("artifacts", "--type", "Model");
    assertEquals(0, models.code(), models.toString());
    assertTrue(models.out().contains("/trainer/model/"), models.toString());

    var versions = cli.run("models", "list", "penguins", "--registry", dir.resolve("registry").toString());
    assertEquals(0, versions.code(), versions.toString());
    assertTrue(versions.out().lines().anyMatch(l -> l.trim().startsWith("1 ")), versions.toString());
  }

  @Test
  void everySubcommandAnswersHelp() throws Exception {
    var failures = new ArrayList<String>();
    for (String command : COMMANDS) {
      var args = new ArrayList<>(List.of(command.split(" ")));
      args.add("--help");
      var r = cli.run(args.toArray(String[]::new));
      if (r.code() != 0 || !r.out().startsWith("Usage: millrace " + command) || r.out().contains("Unknown option")) {
        failures.add(command + ": " + r);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void versionIsTheBuildsVersion() throws Exception {
    var r = new MillraceProcess(dir).metadata(null).run("--version");
    assertEquals(0, r.code(), r.toString());
    String expected = "millrace " + System.getProperty("millrace.version");
    assertEquals(expected, r.out().lines().findFirst().orElse(""), r.toString());
  }

  @Test
  void unknownOptionsAreUsageErrors() throws Exception {
    var r = cli.run("runs", "--no-such-option");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.toString());
    assertTrue(r.err().contains("Usage: millrace runs"), r.toString());
  }
}
