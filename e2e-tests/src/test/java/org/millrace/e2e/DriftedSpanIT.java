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
 * A data lake gets a new span whose temperatures are 15 degrees warmer and where it always rains:
 * the validator fails the run and names the drifted features.
 */
class DriftedSpanIT {
  @TempDir
  Path dir;

  @Test
  void aDriftedSpanFailsTheRunClearly() throws Exception {
    Path lake = dir.resolve("lake");
    List<String> rows = Files.readAllLines(Path.of("examples/data/seattle-weather/span-2012/data.csv"));
    write(lake.resolve("span-1/data.csv"), rows);
    String yaml = Files.readString(Path.of("pipelines/examples/seattle-weather/pipeline.yaml"))
        .replace("examples/data/seattle-weather/span-{SPAN}/data.csv", lake + "/span-{SPAN}/data.csv");
    Path pipeline = Cli.relocate(Files.writeString(dir.resolve("pipeline.yaml"), yaml), dir);
    var cli = new Cli(dir);
    Cli.Result first = cli.run("run", pipeline.toString());
    assertEquals(0, first.code(), first.out() + first.err());

    var drifted = new ArrayList<String>();
    drifted.add(rows.get(0));
    for (String r : Files.readAllLines(Path.of("examples/data/seattle-weather/span-2013/data.csv")).subList(1, 366)) {
      String[] f = r.split(",");
      f[2] = String.valueOf(Double.parseDouble(f[2]) + 15);
      f[5] = "rain";
      drifted.add(String.join(",", f));
    }
    write(lake.resolve("span-2/data.csv"), drifted);
    Cli.Result second = cli.run("run", pipeline.toString());
    assertEquals(1, second.code(), second.out() + second.err());
    String validator = second.out().lines().filter(l -> l.startsWith("validator")).findFirst().orElseThrow();
    assertTrue(validator.contains("FAILED") && validator.contains("data anomalies"), second.out());
    Cli.Result show = cli.run("runs", "show", second.runId());
    assertTrue(show.out().contains("FAILED"), show.out());
    // The error recorded on the execution lists each anomaly with what was expected and observed.
    var store = org.millrace.metadata.MetadataStores.sqlite(dir.resolve("metadata.db"));
    try (store) {
      String error = store.getExecutions(org.millrace.metadata.ExecutionQuery.builder()
              .state(org.millrace.metadata.ExecutionState.FAILED).build()).get(0)
          .customProperties().get("error").raw().toString();
      assertTrue(error.contains("feature 'temp_max': DRIFT expected Jensen-Shannon divergence <= 0.2"), error);
      assertTrue(error.contains("feature 'weather': DRIFT expected L-infinity distance <= 0.2"), error);
    }
  }

  static void write(Path file, List<String> lines) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, lines);
  }
}
