package org.millrace.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four separate JVMs write executions into one store at once; nothing is lost or corrupted. The
 * writers start together (each waits for a shared signal after its JVM is up) so that their
 * writes, and for a new store their schema migrations, overlap.
 */
class ConcurrentProcessesTest {
  static final int WRITERS = 4;
  static final int PER_WRITER = 40;

  @Test
  void fourProcessesIntoOneSqliteFile(@TempDir Path dir) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("metadata.db");
    runWriters(url, "", "");
    verify(MetadataStores.open(url));
  }

  @Test
  void fourProcessesCreateOneNewSqliteFileAtOnce(@TempDir Path dir) throws Exception {
    // No store yet: all four JVMs create the schema of new files at the same moment (four files
    // in turn, then the one they write into).
    String url = "jdbc:sqlite:" + dir.resolve("new.db");
    startWriters(url, "", "", dir.resolve("start"), "4");
    verify(MetadataStores.open(url));
  }

  @Test
  void fourProcessesCreateOneNewPostgresSchemaAtOnce() throws Exception {
    String url = PostgresTestSupport.freshSchemaUrl();
    try {
      startWriters(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD,
          Files.createTempDirectory("millrace-start"), "0");
      verify(MetadataStores.open(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD));
    } finally {
      PostgresTestSupport.drop(url);
    }
  }

  @Test
  void fourProcessesIntoPostgres() throws Exception {
    String url = PostgresTestSupport.freshSchemaUrl();
    try {
      runWriters(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD);
      verify(MetadataStores.open(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD));
    } finally {
      PostgresTestSupport.drop(url);
    }
  }

  private static void runWriters(String url, String user, String password) throws Exception {
    // Create the schema once first, as a deployed store would be; the race under test is the writes.
    MetadataStores.open(url, user.isEmpty() ? null : user, password.isEmpty() ? null : password).close();
    startWriters(url, user, password, Files.createTempDirectory("millrace-start"), "0");
  }

  private static void startWriters(String url, String user, String password, Path start, String races)
      throws Exception {
    Files.createDirectories(start);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var procs = new ArrayList<Process>();
    for (int w = 0; w < WRITERS; w++) {
      procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          ConcurrentWriterMain.class.getName(), url, user, password, String.valueOf(w), String.valueOf(PER_WRITER),
          start.toString(), races)
          .redirectErrorStream(true).redirectOutput(log(start, w).toFile())
          .start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (int w = 0; w < WRITERS; w++) {
      while (!Files.exists(start.resolve("ready-" + w))) {
        assertTrue(System.nanoTime() < deadline, "writer " + w + " did not start in 120 s");
        assertTrue(procs.get(w).isAlive() || Files.exists(start.resolve("ready-" + w)),
            "writer " + w + " exited before starting: " + problems(start, w));
        Thread.sleep(10);
      }
    }
    Files.writeString(start.resolve("go"), "");
    for (int w = 0; w < WRITERS; w++) {
      Process p = procs.get(w);
      assertTrue(p.waitFor(180, TimeUnit.SECONDS), "writer " + w + " did not finish in 180 s: " + problems(start, w));
      assertEquals(0, p.exitValue(), "writer " + w + " failed: " + problems(start, w));
    }
  }

  private static Path log(Path start, int writer) {
    return start.resolve("writer-" + writer + ".log");
  }

  /** A writer's output without its INFO lines (Flyway's, the store's): what went wrong, for the report. */
  private static String problems(Path start, int writer) throws java.io.IOException {
    Path log = log(start, writer);
    String text = String.join("\n", Files.readAllLines(log).stream().filter(l -> !l.contains(" INFO ")).toList());
    return log + (text.isBlank() ? " (no error printed)" : ":\n" + text.substring(Math.max(0, text.length() - 4000)));
  }

  private static void verify(MetadataStore store) {
    try (store) {
      int total = WRITERS * PER_WRITER;
      List<Artifact> artifacts = store.getArtifacts(ArtifactQuery.builder().limit(10_000).build());
      List<Execution> executions = store.getExecutions(ExecutionQuery.builder().limit(10_000).build());
      assertEquals(2 * total, artifacts.size());
      assertEquals(total, executions.size());
      assertEquals(2 * total, new HashSet<>(artifacts.stream().map(Artifact::uri).toList()).size(),
          "every artifact exactly once");
      var ids = new HashSet<>(artifacts.stream().map(Artifact::id).toList());
      var execIds = new HashSet<>(executions.stream().map(Execution::id).toList());
      List<Event> events = store.getEventsByExecutionIds(execIds);
      assertEquals(2 * total, events.size());
      assertTrue(events.stream().allMatch(e -> ids.contains(e.artifactId())), "events point to stored artifacts");
      assertEquals(1, store.getContexts("pipeline").size(), "the shared context is created once");
      assertEquals(WRITERS, store.getContexts("pipeline_run").size());
      // The writers' transactions interleaved: walking the executions in commit (id) order, the
      // writer changes more often than the WRITERS - 1 times of writers that ran one after another.
      var writerOf = new java.util.TreeMap<Long, String>();
      for (Context run : store.getContexts("pipeline_run")) {
        for (Execution e : store.getExecutions(ExecutionQuery.builder().context(run.id()).limit(10_000).build())) {
          writerOf.put(e.id(), run.name());
        }
      }
      int switches = 0;
      String previous = null;
      for (String w : writerOf.values()) {
        switches += previous != null && !previous.equals(w) ? 1 : 0;
        previous = w;
      }
      assertTrue(switches > WRITERS - 1, "the writers did not interleave (" + switches
          + " changes of writer in " + total + " executions): the test did not exercise concurrent writes");
      long shared = store.getContext("pipeline", "shared").orElseThrow().id();
      assertEquals(2 * total, store.getArtifacts(ArtifactQuery.builder().context(shared).limit(10_000).build()).size());
    }
  }
}
