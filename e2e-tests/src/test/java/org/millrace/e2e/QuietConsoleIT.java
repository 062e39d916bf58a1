package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 16 and 19: through the real launcher, a run's console shows warnings, progress and one
 * line per node as it ends; the libraries' lines and every epoch go to the run's log file, whose
 * path the run prints; {@code -v} shows them on the console; {@code --log-format json} writes JSON
 * lines.
 */
class QuietConsoleIT {
  @TempDir
  Path dir;

  @Test
  void aRunPrintsNodeEndsAndLeavesTheRestToItsLogFile() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new MillraceProcess(dir);

    MillraceProcess.Result quiet = cli.run("run", yaml.toString(), "--set", "trainer.epochs=3");
    assertEquals(0, quiet.code(), quiet.toString());
    List<String> err = quiet.err().lines().toList();
    assertEquals(1, err.stream().filter(l -> l.equals("node trainer COMPLETE")).count(), quiet.toString());
    assertFalse(quiet.err().contains("starting"), "no 'starting' lines: " + quiet);
    assertFalse(quiet.err().contains("flywaydb") || quiet.err().contains("epoch 1:") || quiet.err().contains(" INFO "),
        "library lines and epochs stay off the console: " + quiet);
    Path log = logFile(quiet);
    String logged = Files.readString(log);
    assertTrue(logged.contains("epoch 1: train loss") && logged.contains("org.flywaydb")
        && logged.contains("node trainer (Trainer) starting"), "the log file has the rest: " + logged);
    assertTrue(log.startsWith(dir.resolve("logs")), "beside the metadata store: " + log);

    // A new store, so that its migration's lines (Flyway's, at INFO) are among what -v shows.
    cli.metadata(dir.resolve("verbose.db").toString());
    MillraceProcess.Result verbose = cli.run("-v", "run", yaml.toString(), "--set", "trainer.epochs=3", "--no-cache");
    assertEquals(0, verbose.code(), verbose.toString());
    assertTrue(verbose.err().contains("epoch 1: train loss") && verbose.err().contains("INFO org.flywaydb"),
        "-v shows every line: " + verbose);

    MillraceProcess.Result json = cli.run("--log-format", "json", "run", yaml.toString(), "--set", "trainer.epochs=3");
    assertEquals(0, json.code(), json.toString());
    var mapper = new ObjectMapper();
    List<String> lines = Files.readAllLines(logFile(json));
    assertFalse(lines.isEmpty(), json.toString());
    for (String line : lines) {
      var node = mapper.readTree(line);
      assertTrue(node.has("level") && node.has("loggerName") && node.has("message"), line);
    }

    MillraceProcess.Result bad = cli.run("--log-format", "xml", "run", yaml.toString());
    assertEquals(2, bad.code(), bad.toString());
    assertTrue(bad.err().contains("--log-format expected text or json, got 'xml'"), bad.toString());
  }

  /** The file named by the run's last stderr line, {@code log: <path>}. */
  private static Path logFile(MillraceProcess.Result r) {
    String last = r.err().lines().reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no stderr: " + r));
    assertTrue(last.startsWith("log: "), "the run ends by naming its log file: " + r);
    Path log = Path.of(last.substring("log: ".length()));
    assertTrue(Files.isRegularFile(log), log.toString());
    return log;
  }
}
