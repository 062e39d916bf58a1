package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, end to end, then again from the cache. */
class PenguinsPipelineIT {
  @TempDir
  Path dir;

  @Test
  void mainJobRunsEndToEndAndThenFromTheCache() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new Cli(dir);
    Cli.Result first = cli.run("run", yaml.toString());
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("SUCCEEDED"), first.out());
    assertTrue(Files.isRegularFile(dir.resolve("root/statistics/statistics").toFile().listFiles()[0].toPath()
        .resolve("index.html")), "statistics page written");

    Cli.Result second = cli.run("run", yaml.toString());
    assertEquals(0, second.code(), second.out() + second.err());
    // Everything is reused except the nodes whose baselines are now the first run's outputs.
    for (String node : new String[] {"ingest ", "statistics ", "schema ", "transform ", "trainer "}) {
      assertTrue(second.out().lines().anyMatch(l -> l.startsWith(node) && l.contains(" CACHED ")), second.out());
    }
    for (String node : new String[] {"validator ", "evaluator ", "pusher "}) {
      assertTrue(second.out().lines().anyMatch(l -> l.startsWith(node) && l.contains(" COMPLETE ")), second.out());
    }

    Cli.Result lineage = cli.run("lineage", dir.resolve("root/validator/anomalies").toFile().listFiles()[0].toString());
    assertEquals(0, lineage.code(), lineage.err());
    assertTrue(lineage.out().contains("by ExampleGen node 'ingest'") && lineage.out().contains("span=0"), lineage.out());
  }
}
