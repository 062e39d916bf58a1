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
 * backfill (2013's temp_max turned into Fahrenheit here: a drift from 2012) unless told to record
 * them; doing it again costs nothing.
 */
class BackfillIT {
  @TempDir
  Path dir;

  @Test
  void oneRunPerSpanOldestFirstAndAgainFromTheCache() throws Exception {
    // The lake copied, with a span 2011 (2012's days but its last) to backfill last.
    Path lake = dir.resolve("lake");
    for (int year = 2011; year <= 2014; year++) {
      Path span = java.nio.file.Files.createDirectories(lake.resolve("span-" + year));
      var lines = java.nio.file.Files.readAllLines(Path.of("examples/data/seattle-weather/span-" + Math.max(year, 2012)
          + "/data.csv"));
      if (year == 2013) { // a unit changed upstream: temp_max in Fahrenheit from 2013 on (a drift from 2012)
        var header = List.of(lines.get(0).split(","));
        int col = header.indexOf("temp_max");
        var f = new java.util.ArrayList<String>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) {
          String[] cells = l.split(",", -1);
          cells[col] = String.format(java.util.Locale.ROOT, "%.1f", Double.parseDouble(cells[col]) * 1.8 + 32);
          f.add(String.join(",", cells));
        }
        lines = f;
      }
      java.nio.file.Files.write(span.resolve("data.csv"), year == 2011 ? lines.subList(0, lines.size() - 1) : lines);
    }
    Path yaml = Cli.relocate(Path.of("pipelines/examples/seattle-weather/pipeline.yaml"), dir);
    java.nio.file.Files.writeString(yaml, java.nio.file.Files.readString(yaml).replace(
        "examples/data/seattle-weather/span-{SPAN}/data.csv", lake + "/span-{SPAN}/data.csv"));
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
    // Again: every node of every span is a cache hit, the validator's too: its baseline, "the previous
    // run", is the span before's statistics, as in the backfill before (not the newest run's, 2014's).
    Cli.Result again = cli.run("backfill", yaml.toString(), "--spans", "2012..2014", "--set",
        "validator.fail_on_anomalies=false");
    assertEquals(0, again.code(), again.out() + again.err());
    var nodes = again.out().lines().filter(l -> l.matches("(ingest|statistics|schema|validator) .*")).toList();
    assertEquals(12, nodes.size(), again.out());
    assertTrue(nodes.stream().allMatch(l -> l.contains("CACHED")), again.out());

    // A span older than every other run's (2011, after 2012-2014): its baseline is none, not 2014's statistics.
    Cli.Result older = cli.run("backfill", yaml.toString(), "--spans", "2011..2011", "--set",
        "validator.fail_on_anomalies=false");
    assertEquals(0, older.code(), older.out() + older.err());
    try (var store = MetadataStores.sqlite(dir.resolve("metadata.db"))) {
      var q = new org.millrace.pipelines.launch.StoreQueries(store);
      var validator = q.nodeExecutions("seattle-weather", "validator", java.util.Set.of()).get(0);
      var inputs = store.getEventsByExecutionIds(List.of(validator.id())).stream()
          .filter(e -> e.type() == org.millrace.metadata.EventType.INPUT).map(e -> e.key()).sorted().toList();
      assertTrue(!inputs.contains("baseline_statistics"), older.out() + inputs);
    }
  }
}
