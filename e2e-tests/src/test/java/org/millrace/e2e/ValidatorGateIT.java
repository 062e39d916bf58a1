package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the launcher: the penguins pipeline's ExampleValidator (fail_on_anomalies, the default)
 * stops the run when the data drifts. Transform, the Trainer, the Evaluator and the Pusher read
 * none of its outputs, and they ran all the same: a run whose data check failed trained and
 * published a model (an audit with a user's own data; the file {@code millrace init} writes says
 * "an anomaly stops the run before training"). Now they wait for it and are skipped, and the
 * registry keeps only the model of the good data.
 */
class ValidatorGateIT {
  @TempDir
  Path dir;

  @Test
  void aValidatorThatFindsAnomaliesStopsTrainingAndPushing() throws Exception {
    Path data = dir.resolve("penguins.csv");
    List<String> rows = Files.readAllLines(MillraceProcess.repositoryRoot().resolve("examples/data/penguins/penguins.csv"));
    Files.write(data, rows);
    Path yaml = Cli.relocate(MillraceProcess.repositoryRoot().resolve("pipelines/examples/penguins/pipeline.yaml"), dir);
    Files.writeString(yaml, Files.readString(yaml).replace("input: examples/data/penguins/penguins.csv",
        "input: " + data));
    var cli = new MillraceProcess(dir.resolve("logs"));
    MillraceProcess.Result first = cli.run("run", yaml.toString());
    assertEquals(0, first.code(), first.toString());
    assertEquals(List.of("1"), ModelPushIT.listVersions(dir.resolve("registry/penguins")));
    // models list without a name, through the launcher: the registry's models and their served version.
    MillraceProcess.Result models = cli.run("models", "list", "--registry=" + dir.resolve("registry"));
    assertEquals(0, models.code(), models.toString());
    assertTrue(models.out().lines().anyMatch(l -> l.matches("penguins\\s+1\\s+\\S+\\s+1\\s*")), models.toString());
    // From past the gate, on the data it passed: runs (the nodes cached).
    MillraceProcess.Result passed = cli.run("run", yaml.toString(), "--from", "transform");
    assertEquals(0, passed.code(), passed.toString());
    // runs show says what ExampleGen counted (docs/pipelines.md said it did; it showed no count).
    MillraceProcess.Result show = cli.run("runs", "show", first.runId());
    assertTrue(show.out().contains("ingest.examples: rows_read 344, rejected_rows 0, row_count_eval "), show.toString());

    // The next delivery: every penguin 3 kg heavier (a unit changed upstream, say).
    var drifted = new ArrayList<String>(List.of(rows.get(0)));
    for (String r : rows.subList(1, rows.size())) {
      String[] f = r.split(",", -1);
      if (!f[5].isEmpty() && !f[5].equals("NA")) {
        f[5] = String.valueOf(Double.parseDouble(f[5]) + 3000);
      }
      drifted.add(String.join(",", f));
    }
    Files.write(data, drifted);
    MillraceProcess.Result second = cli.run("run", yaml.toString());
    assertEquals(1, second.code(), second.toString());
    String table = second.out();
    assertTrue(table.lines().anyMatch(l -> l.startsWith("validator") && l.contains("FAILED")
        && l.contains("data anomalies")), table);
    for (String node : List.of("transform", "trainer", "evaluator", "pusher")) {
      assertTrue(table.lines().anyMatch(l -> l.startsWith(node + " ") && l.contains("SKIPPED")
          && l.contains("upstream node 'validator' did not succeed")), node + " expected skipped:\n" + table);
    }
    assertEquals(List.of("1"), ModelPushIT.listVersions(dir.resolve("registry/penguins")),
        "no model published from the drifted data");
    // Not "resume with": a resume reruns the check over the same data.
    assertTrue(table.contains("the data failed the checks of 'validator' (above), and nothing after them ran")
        && !table.contains("resume with"), table);

    // A run from past the gate does not train on the data the gate failed: it ran Transform to the Pusher
    // on the drifted data and published it, without a word.
    MillraceProcess.Result past = cli.run("run", yaml.toString(), "--from", "transform");
    assertEquals(1, past.code(), past.toString());
    assertTrue(past.out().lines().anyMatch(l -> l.startsWith("transform ") && l.contains("SKIPPED")
        && l.contains("gate 'validator' failed on this node's data (from run " + second.runId() + "), in run "
            + second.runId())), past.toString());
    assertTrue(past.out().lines().anyMatch(l -> l.startsWith("pusher ") && l.contains("SKIPPED")
        && l.contains("gate 'validator' failed")), past.toString());
    assertTrue(past.out().contains("no node failed: nodes were skipped") && !past.out().contains("resume with"),
        past.toString());
    // Nor past the node the gate's edge goes to: the Evaluator reads the ingested examples itself (it evaluated
    // and blessed on the drifted data, the gate's edge being Transform's alone).
    MillraceProcess.Result later = cli.run("run", yaml.toString(), "--from", "trainer");
    assertEquals(1, later.code(), later.toString());
    assertTrue(later.out().lines().anyMatch(l -> l.startsWith("evaluator ") && l.contains("SKIPPED")
        && l.contains("gate 'validator' failed on this node's data")), later.toString());
    // New data ingested alone has not been checked at all: the run from past the gate is refused too.
    Files.write(data, rows.subList(0, rows.size() - 1));
    assertEquals(0, cli.run("run", yaml.toString(), "--only", "ingest").code());
    MillraceProcess.Result unchecked = cli.run("run", yaml.toString(), "--from", "transform");
    assertEquals(1, unchecked.code(), unchecked.toString());
    assertTrue(unchecked.out().lines().anyMatch(l -> l.startsWith("transform ") && l.contains("SKIPPED")
        && l.contains("gate 'validator' has not checked this node's data (from run ")), unchecked.toString());
    assertEquals(List.of("1"), ModelPushIT.listVersions(dir.resolve("registry/penguins")),
        "no model published from data that failed or skipped the checks");
  }

  /**
   * A label that is no column fails the Transform at run time (exit 1). The run said "resume with:
   * millrace resume <id>", which reruns the parameters as they were and fails again: it now says to
   * correct the file and run it.
   */
  @Test
  void aWrongParameterSaysToCorrectTheFileNotToResume() throws Exception {
    Path yaml = Cli.relocate(MillraceProcess.repositoryRoot().resolve("pipelines/examples/penguins/pipeline.yaml"), dir);
    Files.writeString(yaml, Files.readString(yaml).replace("label: {feature: species,", "label: {feature: specie,")
        .replace("input: examples/data/penguins/penguins.csv", "input: "
            + MillraceProcess.repositoryRoot().resolve("examples/data/penguins/penguins.csv")));
    MillraceProcess.Result r = new MillraceProcess(dir.resolve("logs")).run("run", yaml.toString(), "--to", "transform");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("label.feature expected one of the raw features"), r.toString());
    assertTrue(r.out().contains("the parameters of node 'transform' are wrong (the error above): correct the pipeline"
        + " file and run it again"), r.toString());
    assertTrue(!r.out().contains("resume with"), r.toString());
  }
}
