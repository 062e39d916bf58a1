package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.MetadataStores;

/**
 * Backfilling the Seattle weather data lake: one run per yearly span, oldest first, each reading
 * its span and checking it against the previous run's statistics; a span with anomalies stops the
 * backfill (2013 has snow, which 2012 never had) unless told to record them; doing it again costs
 * nothing.
 */
class BackfillIT {
  @TempDir
  Path dir;

  @Test
  void oneRunPerSpanOldestFirstAndAgainFromTheCache() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/seattle-weather/pipeline.yaml"), dir);
    var cli = new Cli(dir);
    Cli.Result stopped = cli.run("backfill", yaml.toString(), "--spans", "2012..2014");
    assertEquals(1, stopped.code(), stopped.out() + stopped.err());
    assertEquals(List.of("backfill: span 2012 done", "backfill: span 2013 FAILED"), stopped.out().lines()
        .filter(l -> l.startsWith("backfill: ")).map(l -> l.replaceAll(" \\(run .*", "")).toList());

    Cli.Result backfill = cli.run("backfill", yaml.toString(), "--spans", "2012..2014", "--set",
        "validator.fail_on_anomalies=false");
    assertEquals(0, backfill.code(), backfill.out() + backfill.err());
    assertEquals(List.of("backfill: span 2012 done", "backfill: span 2013 done", "backfill: span 2014 done"),
        backfill.out().lines().filter(l -> l.startsWith("backfill: ")).map(l -> l.replaceAll(" \\(run .*", ""))
            .toList());
    try (var store = MetadataStores.sqlite(dir.resolve("metadata.db"))) {
      List<Long> spans = store.getArtifacts(ArtifactQuery.builder().type("Examples").build()).stream()
          .map(a -> ((Number) a.customProperties().getOrDefault("span", a.properties().get("span")).raw()).longValue())
          .toList();
      // The first backfill's 2012 and 2013 ingests are reused (the cache), and 2014 added.
      assertEquals(List.of(2012L, 2013L, 2014L), spans);
    }
    // Again: every node of every span is a cache hit except those reading the previous run.
    Cli.Result again = cli.run("backfill", yaml.toString(), "--spans", "2012..2014", "--set",
        "validator.fail_on_anomalies=false");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().lines().filter(l -> l.startsWith("ingest ")).allMatch(l -> l.contains("CACHED")),
        again.out());
  }
}
