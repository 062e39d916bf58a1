package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionQuery;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStores;

/**
 * Crash consistency as deployed: the real launcher is {@code kill -9}ed at a named point
 * ({@code MILLRACE_CRASH_POINT}, a test-only hook that makes the process print a marker and block
 * there), then the next command runs as a process, and the invariants hold: no execution stays
 * RUNNING once its process is gone (it is FAILED with an {@code abandoned:} reason that {@code runs
 * show} prints), no {@code .tmp-*}/{@code .scratch-*} survives the next run of the node or gc, and
 * the next command completes. Also: OutOfMemoryError and StackOverflowError in a node, quarantine
 * files of a failed node, and a store recreated over an existing pipeline root.
 */
class CrashConsistencyIT {
  // A hang guard only: on a loaded 2-core machine a tiny pipeline has taken minutes to reach a point.
  private static final Duration MARKER = Duration.ofMinutes(10);

  @TempDir
  Path dir;

  /** ExampleGen and StatisticsGen over the penguins file. */
  private Path tiny(String csv, String extraIngest) throws Exception {
    String yaml = "pipeline: tiny\npipeline_root: " + dir.resolve("root") + "\nnodes:\n"
        + "  ingest:\n    component: ExampleGen\n    parameters:\n      input: " + csv + "\n" + extraIngest
        + "  statistics:\n    component: StatisticsGen\n    inputs: {examples: ingest.examples}\n";
    return Files.writeString(dir.resolve("tiny.yaml"), yaml);
  }

  private Path tiny() throws Exception {
    return tiny(MillraceProcess.repositoryRoot().resolve("examples/data/penguins/penguins.csv").toString(), "");
  }

  private MillraceProcess cli() {
    return new MillraceProcess(dir.resolve("logs"));
  }

  private MillraceProcess.Running killedAt(String point, String... args) throws Exception {
    return killedAt(cli(), point, args);
  }

  private static MillraceProcess.Running killedAt(MillraceProcess cli, String point, String... args) throws Exception {
    MillraceProcess.Running r = cli.env("MILLRACE_CRASH_POINT", point).start(args);
    r.awaitOutput("MILLRACE_CRASH_POINT " + point + " reached", MARKER);
    r.kill9();
    assertFalse(r.isAlive());
    return r;
  }

  private List<Execution> executions() throws Exception {
    try (var store = MetadataStores.sqlite(dir.resolve("logs/metadata.db"))) {
      return store.getExecutions(ExecutionQuery.builder().build());
    }
  }

  private static List<Path> temporaries(Path root) throws Exception {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().matches("\\.(tmp|scratch)-.*")).toList();
    }
  }

  private static String onlyRunId(MillraceProcess.Result runs, String pipeline) {
    Matcher m = Pattern.compile("(" + pipeline + "-\\d{8}-\\d{6}-[0-9a-f]{4})").matcher(runs.out());
    assertTrue(m.find(), runs.toString());
    return m.group(1);
  }

  /** The run id of the store's only run, read from the store (no reliance on a table's layout). */
  private String runIdFromStore() throws Exception {
    return executions().stream().map(e -> String.valueOf(e.customProperties().get("run_id").raw())).findFirst()
        .orElseThrow();
  }

  private void assertAbandonedAndNothingRunning(String node) throws Exception {
    List<Execution> all = executions();
    assertTrue(all.stream().noneMatch(e -> e.state() == ExecutionState.RUNNING), all.toString());
    assertTrue(all.stream().anyMatch(e -> e.state() == ExecutionState.FAILED
        && String.valueOf(e.customProperties().get("node").raw()).equals(node)
        && String.valueOf(e.customProperties().get("error").raw()).startsWith("abandoned: process ")), all.toString());
  }

  @Test
  void killedBetweenRenameAndCommitThenResume() throws Exception {
    Path yaml = tiny();
    killedAt("node-renamed:statistics", "run", yaml.toString());
    // The killed execution is still RUNNING in the store until a command opens it.
    assertTrue(executions().stream().anyMatch(e -> e.state() == ExecutionState.RUNNING));
    String runId = runIdFromStore();
    MillraceProcess.Result show = cli().run("runs", "show", runId);
    assertEquals(0, show.code(), show.toString());
    assertAbandonedAndNothingRunning("statistics");
    // The first line is the run's state (the node table with the reason follows once the CLI flushes it).
    assertTrue(show.out().contains("run " + runId + ": FAILED (abandoned)"), show.toString());

    MillraceProcess.Result resume = cli().run("resume", runId);
    assertEquals(0, resume.code(), resume.toString());
    assertEquals(List.of(), temporaries(dir.resolve("root")));
    // The renamed but never recorded output went too: only the committed one is left.
    try (var s = Files.list(dir.resolve("root/statistics/statistics"))) {
      assertEquals(1, s.count());
    }
    assertTrue(executions().stream().noneMatch(e -> e.state() == ExecutionState.RUNNING));
  }

  @Test
  void killedAfterTheRecordBeforeTheCheckpointsGoThenRunAgain() throws Exception {
    Path yaml = tiny();
    killedAt("node-recorded:statistics", "run", yaml.toString());
    // The node is recorded COMPLETE; the resume directory it was about to delete is left.
    assertEquals(1, resumeDirectories(dir.resolve("root")).size(), "the kill left the resume directory");
    // The next run is a cache hit for every node, and clears it: no later execution would claim it (it
    // stayed for good), and a --no-cache run would have inherited a finished execution's checkpoints.
    MillraceProcess.Result again = cli().run("run", yaml.toString());
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("CACHED"), again.toString());
    assertEquals(List.of(), resumeDirectories(dir.resolve("root")));
  }

  /**
   * A run killed between two nodes (its first node recorded COMPLETE, the next not started) has no
   * execution that failed: 'runs' listed it SUCCEEDED. Its context records the process that ran it
   * and that it never ended it: RUNNING while the process lives, then FAILED (abandoned), 'runs show'
   * naming the process, the node not started and the resume, which finishes it.
   */
  @Test
  void aRunKilledBetweenTwoNodesIsAbandonedNotSucceeded() throws Exception {
    Path yaml = tiny();
    String point = "node-recorded:ingest";
    try (MillraceProcess.Running r = cli().env("MILLRACE_CRASH_POINT", point).start("run", yaml.toString())) {
      r.awaitOutput("MILLRACE_CRASH_POINT " + point + " reached", MARKER);
      MillraceProcess.Result during = cli().run("runs");
      assertEquals(0, during.code(), during.toString());
      assertTrue(during.out().contains(" RUNNING "), "alive between two nodes: " + during);
      long pid = r.pid();
      r.kill9();
      assertFalse(r.isAlive());
      MillraceProcess.Result after = cli().run("runs");
      assertTrue(after.out().contains(" FAILED (abandoned) ") && !after.out().contains("SUCCEEDED"), after.toString());
      String runId = after.out().lines().filter(l -> l.startsWith("tiny-")).findFirst().orElseThrow().split(" ")[0];
      MillraceProcess.Result show = cli().run("runs", "show", runId);
      assertTrue(show.out().contains("run " + runId + ": FAILED (abandoned)\nabandoned: process " + pid + " on ")
          && show.out().contains(" is gone (killed or crashed between two nodes); not started: [statistics]."
              + " 'millrace resume " + runId + "' runs the rest"), show.toString());
      MillraceProcess.Result resumed = cli().run("resume", runId);
      assertEquals(0, resumed.code(), resumed.toString());
      // The code each execution ran is recorded: millrace's version and its jars' SHA-256 (nothing said it).
      MillraceProcess.Result shown = cli().run("runs", "show", runId);
      assertTrue(shown.out().matches("(?s).*\ncode: millrace \\S+ \\(jars sha256:[0-9a-f]{64}\\).*"), shown.toString());
      String statistics = shown.out().lines().filter(l -> l.startsWith("statistics ")).findFirst().orElseThrow()
          .replaceAll(".*\\s(/\\S+)\\s*$", "$1");
      MillraceProcess.Result lineage = cli().run("lineage", statistics);
      assertTrue(lineage.out().contains("(run " + runId + ", millrace "), lineage.toString());
      // Through the launcher: each execution's parameters; a fingerprint that names nothing; gc by the
      // pipeline's name plans what gc of its file plans.
      MillraceProcess.Result withParameters = cli().run("lineage", statistics, "--parameters");
      assertTrue(withParameters.out().contains("\n        parameters: {\"bad_rows\":\"FAIL\""), withParameters.toString());
      String nothing = "0".repeat(64);
      MillraceProcess.Result unknown = cli().run("lineage", nothing);
      assertEquals(2, unknown.code(), unknown.toString());
      assertTrue(unknown.err().contains("a registry version directory or a fingerprint, got '" + nothing + "'"),
          unknown.toString());
      MillraceProcess.Result gcByName = cli().run("gc", "tiny", "--dry-run", "--min-age-days", "0", "--keep-runs", "1");
      MillraceProcess.Result gcByFile = cli().run("gc", yaml.toString(), "--dry-run", "--min-age-days", "0",
          "--keep-runs", "1");
      assertEquals(0, gcByName.code(), gcByName.toString());
      assertTrue(gcByName.out().contains("gc tiny: would delete the files of ") && gcByName.out().equals(gcByFile.out()),
          gcByName + "\n" + gcByFile);
      MillraceProcess.Result done = cli().run("runs");
      assertTrue(done.out().contains(runId + "  SUCCEEDED ") || done.out().matches("(?s).*" + runId + " +SUCCEEDED .*"),
          done.toString());
    }
  }

  private static List<Path> resumeDirectories(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root, 2)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".resume-")).toList();
    }
  }

  @Test
  void killedWhileExampleGenWritesPartsThenRunAgain() throws Exception {
    Path yaml = tiny();
    killedAt("examplegen-parts", "run", yaml.toString());
    assertFalse(temporaries(dir.resolve("root")).isEmpty(), "the kill left temporary directories behind");
    MillraceProcess.Result again = cli().run("run", yaml.toString());
    assertEquals(0, again.code(), again.toString());
    assertAbandonedAndNothingRunning("ingest");
    assertEquals(List.of(), temporaries(dir.resolve("root")));
  }

  @Test
  void aCachedRunClearsWhatAKilledExecutionOfItsNodesLeft() throws Exception {
    Path yaml = tiny();
    assertEquals(0, cli().run("run", yaml.toString()).code());
    killedAt("examplegen-parts", "run", yaml.toString(), "--no-cache");
    assertFalse(temporaries(dir.resolve("root")).isEmpty(), "the kill left temporary directories behind");
    // Every node a cache hit: their directories are cleared of what the killed execution left all the same.
    MillraceProcess.Result cached = cli().run("run", yaml.toString());
    assertEquals(0, cached.code(), cached.toString());
    assertTrue(cached.out().contains("CACHED") && !cached.out().contains("COMPLETE"), cached.toString());
    assertEquals(List.of(), temporaries(dir.resolve("root")));
  }

  @Test
  void killedTrainerMidEpochThenResume() throws Exception {
    Path yaml = Cli.relocate(MillraceProcess.repositoryRoot().resolve("pipelines/examples/penguins/pipeline.yaml"), dir);
    // Its own temporary directory: the native libraries (Aparapi's, probed for an OpenCL device by every run
    // with a Trainer, and snappy-java's) load from millrace's cache, not from copies in java.io.tmpdir that a
    // killed JVM leaves behind (a 2.8 MB /tmp/Aparapi* directory per kill -9).
    Path tmp = Files.createDirectories(dir.resolve("java-tmp"));
    killedAt(cli().env("MILLRACE_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), "trainer-epoch", "run", yaml.toString(),
        "--to", "trainer");
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "the killed JVM's temporary directory expected empty");
    }
    String runId = runIdFromStore();
    MillraceProcess.Result runs = cli().run("runs", "show", runId);
    assertEquals(0, runs.code(), runs.toString());
    assertAbandonedAndNothingRunning("trainer");
    MillraceProcess.Result resume = cli().run("resume", runId);
    assertEquals(0, resume.code(), resume.toString());
    assertEquals(List.of(), temporaries(dir.resolve("root")));
    // The resumed Trainer says so, and counts the epochs done before (its progress started from 0 again).
    String log = resume.err().lines().filter(l -> l.startsWith("log: ")).findFirst().orElseThrow().substring(5);
    assertTrue(Files.readString(Path.of(log)).contains("Trainer: resumed from a checkpoint, epochs 1-1 done before"),
        log);
    // Lineage names the killed execution whose checkpoints the model continued from (it named the resume alone).
    long killed = executions().stream().filter(e -> e.state() == ExecutionState.FAILED
        && "trainer".equals(String.valueOf(e.customProperties().get("node").raw()))).mapToLong(Execution::id).max()
        .orElseThrow();
    Path model;
    try (Stream<Path> models = Files.list(dir.resolve("root/trainer/model"))) {
      model = models.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
    MillraceProcess.Result lineage = cli().run("lineage", model.toString());
    assertTrue(lineage.out().contains(", continuing the checkpoints of execution #" + killed + "\n"), lineage.toString());
  }

  @Test
  void terminatedMidEpochTheRunRecordsItStoppedThenResumes() throws Exception {
    Path yaml = Cli.relocate(MillraceProcess.repositoryRoot().resolve("pipelines/examples/penguins/pipeline.yaml"), dir);
    MillraceProcess.Running r = cli().env("MILLRACE_CRASH_POINT", "trainer-epoch").start("run", yaml.toString(),
        "--to", "trainer");
    r.awaitOutput("MILLRACE_CRASH_POINT trainer-epoch reached", MARKER);
    // SIGTERM, as a service manager or Ctrl-C ends it: the JVM's exit code for it, and the trainer recorded
    // as stopped by the process itself (read from the store directly, before any command could reconcile it).
    assertEquals(143, r.terminate(Duration.ofSeconds(60)));
    List<Execution> all = executions();
    assertTrue(all.stream().noneMatch(e -> e.state() == ExecutionState.RUNNING), all.toString());
    assertTrue(all.stream().anyMatch(e -> e.state() == ExecutionState.FAILED
        && String.valueOf(e.customProperties().get("node").raw()).equals("trainer")
        && String.valueOf(e.customProperties().get("error").raw()).startsWith("stopped: millrace was told to end")),
        all.toString());
    // A resume that is still training holds the run: a second resume of it, another process, is refused.
    String runId = runIdFromStore();
    try (MillraceProcess.Running first = cli().env("MILLRACE_CRASH_POINT", "trainer-epoch").start("resume", runId)) {
      first.awaitOutput("MILLRACE_CRASH_POINT trainer-epoch reached", MARKER);
      MillraceProcess.Result second = cli().run("resume", runId);
      assertEquals(2, second.code(), second.toString());
      assertTrue(second.err().contains("run " + runId + " expected no other process running or resuming it"),
          second.toString());
      first.kill9();
    }
    MillraceProcess.Result resume = cli().run("resume", runId);
    assertEquals(0, resume.code(), resume.toString());
  }

  @Test
  void killedPusherBetweenVersionRenameAndIndexThenResume() throws Exception {
    Path yaml = Cli.relocate(MillraceProcess.repositoryRoot().resolve("pipelines/examples/penguins/pipeline.yaml"), dir);
    killedAt("pusher-renamed", "run", yaml.toString());
    Path registry = dir.resolve("registry/penguins");
    assertTrue(Files.isDirectory(registry.resolve("1")));
    assertFalse(Files.exists(registry.resolve("registry.json")) && Files.readString(registry.resolve("registry.json"))
        .contains("\"version\" : 1"), "version 1 not yet recorded");
    String runId = runIdFromStore();
    MillraceProcess.Result resume = cli().run("resume", runId);
    assertEquals(0, resume.code(), resume.toString());
    assertEquals(List.of("1"), ModelPushIT.listVersions(registry), "one model, one version");
    String index = Files.readString(registry.resolve("registry.json"));
    assertTrue(index.contains("\"version\" : 1") && !index.contains("\"version\" : 2"), index);
    assertAbandonedAndNothingRunning("pusher");
    MillraceProcess.Result list = cli().run("models", "list", "penguins", "--registry=" + dir.resolve("registry"));
    assertEquals(0, list.code(), list.toString());
    // Through the launcher: lineage from the registry's version directory and from its fingerprint of the files,
    // to the push that published them; runs show lists the trainer's record of its run, marked so.
    var fingerprint = Pattern.compile("\"fingerprint\" ?: ?\"([0-9a-f]{64})\"").matcher(index);
    assertTrue(fingerprint.find(), index);
    for (String ref : List.of(registry.resolve("1").toString(), fingerprint.group(1))) {
      MillraceProcess.Result lineage = cli().run("lineage", ref);
      assertEquals(0, lineage.code(), lineage.toString());
      assertTrue(lineage.out().startsWith("PushedModel #") && lineage.out().contains("pushed_version=1"),
          lineage.toString());
    }
    MillraceProcess.Result shown = cli().run("runs", "show", runId);
    assertTrue(shown.out().contains("trainer.model_run (a record of the run) "), shown.toString());
  }

  @Test
  void killedGcBetweenDeletingFilesAndRecordingThenRunAndGcAgain() throws Exception {
    Path yaml = tiny();
    assertEquals(0, cli().run("run", yaml.toString()).code());
    assertEquals(0, cli().run("run", yaml.toString(), "--no-cache").code());
    // Killed after the first artifact's files went, before the store says so (the state a kill
    // between marking and deleting leaves, files still there, is the one GcSafetyIT's undeletable
    // file leaves, which the next gc finishes too).
    killedAt("gc-deleted", "gc", yaml.toString(), "--keep-runs", "1", "--min-age-days", "0");
    long gone;
    try (var store = MetadataStores.sqlite(dir.resolve("logs/metadata.db"))) {
      var marked = store.getArtifacts(ArtifactQuery.builder().build()).stream()
          .filter(a -> a.state() == ArtifactState.MARKED_FOR_DELETION).toList();
      assertEquals(1, marked.size(), marked.toString());
      gone = marked.get(0).id();
      assertFalse(Files.exists(Path.of(marked.get(0).uri())), "its files went before the kill");
    }
    // The next run works (nothing reuses the half-collected artifact), then gc finishes the collection.
    MillraceProcess.Result run = cli().run("run", yaml.toString());
    assertEquals(0, run.code(), run.toString());
    MillraceProcess.Result gc = cli().run("gc", yaml.toString(), "--keep-runs", "1", "--min-age-days", "0");
    assertEquals(0, gc.code(), gc.toString());
    try (var store = MetadataStores.sqlite(dir.resolve("logs/metadata.db"))) {
      var arts = store.getArtifacts(ArtifactQuery.builder().build());
      assertTrue(arts.stream().noneMatch(a -> a.state() == ArtifactState.MARKED_FOR_DELETION), arts.toString());
      assertEquals(ArtifactState.DELETED, store.getArtifact(gone).orElseThrow().state());
      assertEquals(2, arts.stream().filter(a -> a.state() == ArtifactState.DELETED).count(), arts.toString());
      for (var a : arts) {
        assertEquals(a.state() == ArtifactState.LIVE, Files.exists(Path.of(a.uri())), a.toString());
        // Lineage stays: every artifact, deleted or not, still has the execution that wrote it.
        assertTrue(store.getEventsByArtifactIds(List.of(a.id())).stream()
            .anyMatch(e -> e.type() == org.millrace.metadata.EventType.OUTPUT), a.toString());
      }
    }
    MillraceProcess.Result lineage = cli().run("lineage", Long.toString(gone));
    assertEquals(0, lineage.code(), lineage.toString());
    assertTrue(lineage.out().contains(" #" + gone + " ") && lineage.out().contains("<- written as '"),
        lineage.toString());
    assertEquals(List.of(), temporaries(dir.resolve("root")));
  }

  @Test
  void outOfMemoryAndStackOverflowInANodeFailItAndTheNextRunWorks() throws Exception {
    Path yaml = tiny();
    for (String error : List.of("oom", "soe")) {
      MillraceProcess.Result r = cli().env("MILLRACE_CRASH_POINT", "node-start:statistics=" + error)
          .run("run", yaml.toString());
      assertEquals(1, r.code(), r.toString());
      String expected = error.equals("oom") ? "OutOfMemoryError" : "StackOverflowError";
      assertTrue(r.out().contains(expected), r.toString());
      List<Execution> all = executions();
      assertTrue(all.stream().noneMatch(e -> e.state() == ExecutionState.RUNNING), all.toString());
      assertTrue(all.stream().anyMatch(e -> e.state() == ExecutionState.FAILED
          && String.valueOf(e.customProperties().get("error").raw()).startsWith(expected)), all.toString());
    }
    MillraceProcess.Result ok = cli().run("run", yaml.toString());
    assertEquals(0, ok.code(), ok.toString());
    assertEquals(List.of(), temporaries(dir.resolve("root")));
  }

  @Test
  void quarantineOfAFailedNodeIsKeptWhereTheMessageSays() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "a,b\n1,x\n2,y\n3\n4,z,extra\n5,w\n");
    Path yaml = tiny(csv.toString(), "      bad_rows: quarantine\n      max_rejected_fraction: 0.1\n");
    MillraceProcess.Result r = cli().run("run", yaml.toString());
    assertEquals(1, r.code(), r.toString());
    Matcher m = Pattern.compile("see (\\S+rejected\\.jsonl)").matcher(r.out() + r.err());
    assertTrue(m.find(), r.toString());
    Path named = Path.of(m.group(1));
    assertTrue(Files.isRegularFile(named), named + " named by the error exists\n" + r);
    assertEquals(2, Files.readAllLines(named).size(), Files.readString(named));
    assertEquals(List.of(), temporaries(dir.resolve("root")));
  }

  @Test
  void aNewStoreOverAnExistingRootNeverCollides() throws Exception {
    Path yaml = tiny();
    MillraceProcess.Result first = cli().run("run", yaml.toString());
    assertEquals(0, first.code(), first.toString());
    List<String> firstUris = uris();
    Files.delete(dir.resolve("logs/metadata.db"));
    MillraceProcess.Result second = cli().run("run", yaml.toString());
    assertEquals(0, second.code(), second.toString());
    List<String> secondUris = uris();
    assertEquals(firstUris.size(), secondUris.size());
    for (String u : firstUris) {
      assertFalse(secondUris.contains(u), u + " reused by the new store");
      assertTrue(Files.isDirectory(Path.of(u)), u + " of the first store is intact");
    }
    secondUris.forEach(u -> assertTrue(Files.isDirectory(Path.of(u)), u));
    assertNotEquals(firstUris, secondUris);
  }

  @Test
  void killedSchedulerAtAFireTakesThatFireOnceAfterRestart() throws Exception {
    Path yaml = tiny();
    String start = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(2).withSecond(0).withNano(0)
        .toString();
    String[] args = {"schedule", yaml.toString(), "--cron", "* * * * *", "--start", start, "--max-runs", "1"};
    killedAt("schedule-fire", args);
    MillraceProcess.Result restarted = cli().run(args);
    assertEquals(0, restarted.code(), restarted.toString());
    assertTrue(restarted.out().contains("taking it again"), restarted.toString());
    List<Execution> fires = executions().stream().filter(e -> e.type().equals("ScheduledRun")).toList();
    assertEquals(1, fires.size(), "one record of the one fire: " + fires);
    assertEquals(ExecutionState.COMPLETE, fires.get(0).state(), fires.toString());
    assertTrue(String.valueOf(fires.get(0).customProperties().get("retaken_after").raw()).startsWith("abandoned: "));
    // Exactly one pipeline run completed for it.
    assertEquals(1, executions().stream().filter(e -> e.type().equals("ExampleGen")
        && e.state() == ExecutionState.COMPLETE).count());
  }

  private List<String> uris() throws Exception {
    try (var store = MetadataStores.sqlite(dir.resolve("logs/metadata.db"))) {
      return store.getArtifacts(ArtifactQuery.builder().build()).stream().map(a -> a.uri()).sorted().toList();
    }
  }
}
