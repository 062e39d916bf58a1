package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.Event;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreQueries;

/**
 * Two {@code ./millrace run} processes of one pipeline at once, on one pipeline root and one
 * metadata store (SQLite, then PostgreSQL): both succeed, and each run's lineage is its own and
 * complete.
 */
class ConcurrentRunsIT {
  private static final String PG_URL = env("MILLRACE_TEST_PG_URL", "jdbc:postgresql://localhost:5432/millrace_test");
  private static final String PG_USER = env("MILLRACE_TEST_PG_USER", "postgres");
  private static final String PG_PASSWORD = env("MILLRACE_TEST_PG_PASSWORD", "postgres");

  @TempDir
  Path dir;

  @Test
  void twoRunsAtOnceOnOneSqliteStore() throws Exception {
    Path db = dir.resolve("metadata.db");
    runTwiceAtOnce(new MillraceProcess(dir), () -> MetadataStores.sqlite(db));
  }

  @Test
  void twoRunsAtOnceOnOnePostgresStore() throws Exception {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String sep = PG_URL.contains("?") ? "&" : "?";
    try (Connection c = DriverManager.getConnection(PG_URL + sep + "connectTimeout=3", PG_USER, PG_PASSWORD)) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      Assumptions.abort("PostgreSQL not reachable at " + PG_URL + " (" + e.getMessage() + ")");
    }
    String url = PG_URL + sep + "currentSchema=" + schema;
    try {
      var cli = new MillraceProcess(dir).metadata(url).env("MILLRACE_METADATA_USER", PG_USER)
          .env("MILLRACE_METADATA_PASSWORD", PG_PASSWORD);
      runTwiceAtOnce(cli, () -> MetadataStores.open(url, PG_USER, PG_PASSWORD));
    } finally {
      try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
        c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /**
   * The second of two runs started at once waits for the first's Trainer (the same work: its
   * component and cache key) and reuses its model: it trained the same model again, and the Pusher
   * published it twice. Through the launcher, two processes.
   */
  @Test
  void theSecondRunWaitsForTheSameWorkAndReusesIt() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new MillraceProcess(dir);
    String[] args = {"run", yaml.toString(), "--set", "trainer.epochs=8000", "--set",
        "trainer.early_stopping={patience: 8000}"};
    MillraceProcess.Result a;
    MillraceProcess.Result b;
    try (var first = cli.start(args)) {
      // Its Trainer a tenth of the way (8,000 epochs: some 30 s here): the second reaches its Trainer meanwhile.
      first.awaitOutput("trainer: epochs 800/8000", Duration.ofMinutes(3));
      try (var second = cli.start(args)) {
        b = second.await(Duration.ofMinutes(4));
      }
      a = first.await(Duration.ofMinutes(4));
    }
    assertEquals(0, a.code(), a.toString());
    assertEquals(0, b.code(), b.toString());
    assertTrue(a.out().lines().anyMatch(l -> l.startsWith("trainer ") && l.contains("COMPLETE")), a.toString());
    assertTrue(b.out().lines().anyMatch(l -> l.startsWith("trainer ") && l.contains("CACHED")), b.toString());
    assertTrue(b.err().contains("node trainer: another process executes the same work (a run of this pipeline at"
        + " once); waiting to reuse its outputs"), b.toString());
    assertEquals(List.of("1"), ModelPushIT.listVersions(dir.resolve("registry/penguins")));
  }

  private interface StoreOpener {
    MetadataStore open();
  }

  private void runTwiceAtOnce(MillraceProcess cli, StoreOpener opener) throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    MillraceProcess.Result a;
    MillraceProcess.Result b;
    try (var first = cli.start("run", "--no-cache", yaml.toString());
        var second = cli.start("run", "--no-cache", yaml.toString())) {
      a = first.await(Duration.ofMinutes(4));
      b = second.await(Duration.ofMinutes(4));
    }
    assertEquals(0, a.code(), a.toString());
    assertEquals(0, b.code(), b.toString());
    assertTrue(a.out().contains("SUCCEEDED") && b.out().contains("SUCCEEDED"), a + "\n" + b);
    String runA = a.runId();
    String runB = b.runId();
    assertTrue(!runA.equals(runB), "two runs expected two run ids, got " + runA);
    try (MetadataStore store = opener.open()) {
      var queries = new StoreQueries(store);
      Map<String, Long> modelA = checkLineage(store, queries, runA);
      Map<String, Long> modelB = checkLineage(store, queries, runB);
      assertTrue(!modelA.get("trainer").equals(modelB.get("trainer")),
          "each run expected its own trained model (--no-cache), both used " + modelA.get("trainer"));
    }
    try (Stream<Path> s = Files.list(dir.resolve("root/trainer"))) {
      List<Path> left = s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
      assertTrue(left.isEmpty(), "no resume, scratch or temporary directory expected after two successful runs: " + left);
    }
  }

  /**
   * Every execution of the run completed; each node read what its upstream node of the same run
   * wrote; every artifact's files exist. Returns the artifact id of each node's main output.
   */
  private static Map<String, Long> checkLineage(MetadataStore store, StoreQueries queries, String run) {
    List<Execution> execs = queries.runExecutions(run);
    assertEquals(8, execs.size(), "eight node executions expected in run " + run + ", got " + execs);
    Map<String, Long> outputs = new HashMap<>();
    Map<String, Long> byNode = new HashMap<>();
    for (Execution e : execs) {
      assertEquals(ExecutionState.COMPLETE, e.state(), run + ": " + e);
      String node = StoreQueries.stringProp(e, Keys.NODE);
      byNode.put(node, e.id());
      queries.outputs(e.id()).forEach((key, list) -> {
        for (Artifact art : list) {
          assertTrue(Files.exists(Path.of(art.uri())), run + ": " + node + "." + key + " missing on disk: " + art.uri());
          outputs.put(node + "." + key, art.id());
        }
      });
    }
    Map<String, String> wiring = Map.of("trainer.examples", "transform.transformed_examples",
        "evaluator.model", "trainer.model", "pusher.model", "trainer.model", "pusher.blessing", "evaluator.blessing",
        "transform.examples", "ingest.examples", "statistics.examples", "ingest.examples");
    wiring.forEach((input, output) -> {
      String[] in = input.split("\\.");
      List<Long> read = store.getEventsByExecutionIds(List.of(byNode.get(in[0]))).stream()
          .filter(ev -> ev.type() == EventType.INPUT && ev.key().equals(in[1])).map(Event::artifactId).toList();
      assertEquals(List.of(outputs.get(output)), read,
          run + ": " + input + " expected to read this run's " + output);
    });
    return Map.of("trainer", outputs.get("trainer.model"));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
