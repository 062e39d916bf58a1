package org.millrace.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.LineageGraph;
import org.millrace.metadata.LineageQuery;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.PipelineCompiler;
import org.millrace.pipelines.compile.YamlPipelineLoader;
import org.millrace.pipelines.launch.CacheExplainer;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.ProgressFactory;
import org.millrace.pipelines.launch.StoreQueries;
import org.millrace.pipelines.spec.PipelineSpec;

class LocalRunnerTest {
  @TempDir
  Path project;
  MetadataStore store;
  LocalRunner runner;
  final ComponentRegistry registry = ComponentRegistry.load();

  @BeforeEach
  void setUp() {
    store = MetadataStores.sqlite(project.resolve(".millrace/metadata.db"));
    runner = new LocalRunner(store, registry, project, ProgressFactory.NONE);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  PipelineSpec spec(String value, String marker) {
    return new PipelineCompiler(registry).compile(YamlPipelineLoader.load("t.yaml", """
        pipeline: demo
        nodes:
          left:
            component: Produce
            parameters: {value: "%s", sleep_ms: 1500}
          right:
            component: Produce
            parameters: {value: "-right", sleep_ms: 1500}
          join:
            component: Consume
            inputs: {data: left.data, extra: right.data}
          check:
            component: Flaky
            inputs: {data: right.data}
            parameters: {marker: "%s"}
        """.formatted(value, marker)));
  }

  static final LocalRunner.Options TWO = new LocalRunner.Options(2, true);

  /**
   * A component's own artifact type (not built in): recorded as its node runs, read by the node that
   * consumes it, cached on the next run. The output failed to record after the executor ran, and its
   * consumer threw, ending the run (a DSL audit).
   */
  @Test
  void aCustomArtifactTypeIsRecordedAndReadAndCached() throws Exception {
    PipelineSpec spec = new PipelineCompiler(registry).compile(YamlPipelineLoader.load("n.yaml", """
        pipeline: notes
        nodes:
          data: {component: Produce, parameters: {value: "seven"}}
          annotate: {component: Annotate, inputs: {data: data.data}}
          read: {component: ReadNote, inputs: {note: annotate.note}}
        """));
    RunResult first = runner.run(spec, Selection.ALL, TWO);
    assertTrue(first.succeeded(), first.toString());
    assertEquals("saw seven (2)", Files.readString(Path.of(first.node("read").outputUris().get("result").get(0),
        "result.txt")));
    String note = first.node("annotate").outputUris().get("note").get(0);
    assertEquals("Note", store.getArtifacts(ArtifactQuery.builder().uri(note).build()).get(0).type());
    RunResult second = runner.run(spec, Selection.ALL, TWO);
    assertEquals(Set.of("CACHED"), second.nodes().stream().map(NodeResult::state).collect(Collectors.toSet()));
  }

  @Test
  void independentNodesRunConcurrentlyAndOutputsArePublished() throws Exception {
    RunResult r = runner.run(spec("hello", project.resolve("no-marker").toString()), Selection.ALL, TWO);
    assertTrue(r.succeeded(), r.toString());
    Execution left = store.getExecution(r.node("left").executionId()).orElseThrow();
    Execution right = store.getExecution(r.node("right").executionId()).orElseThrow();
    long ls = (Long) left.property(Keys.STARTED_MS).orElseThrow().raw();
    long le = (Long) left.property(Keys.ENDED_MS).orElseThrow().raw();
    long rs = (Long) right.property(Keys.STARTED_MS).orElseThrow().raw();
    long re = (Long) right.property(Keys.ENDED_MS).orElseThrow().raw();
    assertTrue(ls < re && rs < le, "left and right must overlap: " + ls + "-" + le + " vs " + rs + "-" + re);

    String join = r.node("join").outputUris().get("result").get(0);
    // <execution id>-<store id>-<random>: unique across stores sharing the root (ArtifactLocations).
    String location = String.valueOf(store.getExecution(r.node("join").executionId()).orElseThrow()
        .property("location").orElseThrow().raw());
    assertTrue(location.matches(r.node("join").executionId() + "-[0-9a-f]{8}-[0-9a-f]{4}"), location);
    assertEquals(project.resolve(".millrace/pipelines/demo/join/result/" + location).toString(), join);
    assertEquals("hello-right", Files.readString(Path.of(join, "result.txt")));
    Artifact result = store.getArtifacts(ArtifactQuery.builder().uri(join).build()).get(0);
    assertEquals(11L, result.customProperties().get("length").raw());
    assertEquals(64, String.valueOf(result.customProperties().get(Keys.FINGERPRINT).raw()).length());
    try (Stream<Path> files = Files.walk(project.resolve(".millrace/pipelines"))) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")
          || p.getFileName().toString().startsWith(".scratch-")), "no temporary directories left");
    }
  }

  @Test
  void secondRunIsCachedAndAParameterChangeIsExplained() {
    String marker = project.resolve("no-marker").toString();
    RunResult first = runner.run(spec("hello", marker), Selection.ALL, TWO);
    RunResult second = runner.run(spec("hello", marker), Selection.ALL, TWO);
    assertEquals(Set.of("CACHED"), second.nodes().stream().map(NodeResult::state).collect(Collectors.toSet()));
    assertEquals(first.node("join").outputUris(), second.node("join").outputUris());
    var explainer = new CacheExplainer(new StoreQueries(store));
    assertTrue(explainer.explain("demo", second.runId(), "join").get(0).startsWith("cache HIT: same cache key"));

    RunResult third = runner.run(spec("changed", marker), Selection.ALL, TWO);
    assertEquals("COMPLETE", third.node("left").state());
    assertEquals("CACHED", third.node("right").state());
    assertEquals("COMPLETE", third.node("join").state());
    List<String> why = explainer.explain("demo", third.runId(), "left");
    assertTrue(why.contains("  parameter 'value' changed: hello -> changed"), String.join("\n", why));
    List<String> joinWhy = explainer.explain("demo", third.runId(), "join");
    assertTrue(joinWhy.stream().anyMatch(l -> l.startsWith("  input 'data' changed: fingerprint")), String.join("\n", joinWhy));
    assertFalse(joinWhy.stream().anyMatch(l -> l.contains("input 'extra'")), String.join("\n", joinWhy));
  }

  /**
   * Two runs at once: the other run's execution of the same key ended after this one started, so its
   * outputs did not exist yet. explain said they were deleted (they were on disk).
   */
  @Test
  void aMissBesideARunningExecutionOfTheSameKeySaysSo() throws Exception {
    String marker = project.resolve("no-marker").toString();
    RunResult first = runner.run(spec("hello", marker), Selection.ALL, TWO);
    RunResult second = runner.run(spec("hello", marker), Selection.ALL, new LocalRunner.Options(2, false));
    var queries = new StoreQueries(store);
    Execution p = store.getExecution(first.node("join").executionId()).orElseThrow();
    Execution e = store.getExecution(second.node("join").executionId()).orElseThrow();
    store.putExecution(p.withCustomProperties(Map.of(org.millrace.pipelines.launch.Keys.ENDED_MS,
        org.millrace.metadata.Value.of(e.createTime().toEpochMilli() + 1000))));
    List<String> why = new CacheExplainer(queries).explain("demo", second.runId(), "join");
    assertTrue(why.stream().anyMatch(l -> l.startsWith("  same cache key, but that execution was still running when"
        + " this one started")), String.join("\n", why));
  }

  @Test
  void deletedOutputsAreNotACacheHit() throws Exception {
    String marker = project.resolve("no-marker").toString();
    RunResult first = runner.run(spec("hello", marker), Selection.ALL, TWO);
    deleteTree(Path.of(first.node("join").outputUris().get("result").get(0)));
    RunResult second = runner.run(spec("hello", marker), Selection.ALL, TWO);
    assertEquals("CACHED", second.node("left").state());
    assertEquals("COMPLETE", second.node("join").state());
    var explainer = new CacheExplainer(new StoreQueries(store));
    assertTrue(explainer.explain("demo", second.runId(), "join")
        .contains("  same cache key, but the previous outputs were deleted."));

    // Another value in between: the miss is still put down to the deleted outputs of the same key, not to
    // the parameter that differs from the latest execution.
    RunResult other = runner.run(spec("other", marker), Selection.ALL, TWO);
    deleteTree(Path.of(second.node("join").outputUris().get("result").get(0)));
    RunResult third = runner.run(spec("hello", marker), Selection.ALL, TWO);
    assertEquals("COMPLETE", third.node("join").state());
    List<String> why = explainer.explain("demo", third.runId(), "join");
    assertTrue(why.contains("  same cache key, but the previous outputs were deleted."), String.join("\n", why));
    assertFalse(why.stream().anyMatch(l -> l.contains("changed")), String.join("\n", why));
    // A hit whose files were collected since says so.
    deleteTree(Path.of(first.node("left").outputUris().get("data").get(0)));
    List<String> hit = explainer.explain("demo", third.runId(), "left");
    assertTrue(hit.get(0).startsWith("cache HIT: same cache key") && hit.get(0).endsWith(
        "(Those files have been collected since.)"), String.join("\n", hit));
  }

  @Test
  void aResumeStaysWithinThePartOfThePipelineItsRunWasStartedWith() throws Exception {
    String marker = project.resolve("no-marker").toString();
    assertTrue(runner.run(spec("hello", marker), Selection.ALL, TWO).succeeded());
    // --only left succeeded: nothing to resume (it ran join and check, downstream of left).
    RunResult only = runner.run(spec("hello", marker), new Selection(null, null, "left"), TWO);
    assertTrue(only.succeeded(), only.toString());
    var done = assertThrows(IllegalArgumentException.class, () -> runner.resume(only.runId(), TWO));
    assertTrue(done.getMessage().endsWith("every node complete"), done.getMessage());
    assertEquals(1, new StoreQueries(store).runExecutions(only.runId()).size());

    // --only check failed, then resumed: check alone runs again, not the nodes upstream of it.
    Path failing = Files.writeString(project.resolve("fail-now"), "x");
    RunResult check = runner.run(spec("hello", failing.toString()), new Selection(null, null, "check"), TWO);
    assertEquals("FAILED", check.node("check").state());
    Files.delete(failing);
    // Another process resuming it (holding the run's lock): refused, not run twice.
    var spec = spec("hello", failing.toString());
    try (var held = org.millrace.pipelines.launch.RunLock.take(project.resolve(spec.pipelineRoot()).normalize(),
        check.runId())) {
      var twice = assertThrows(IllegalArgumentException.class, () -> runner.resume(check.runId(), TWO));
      assertTrue(twice.getMessage().startsWith("run " + check.runId() + " expected no other process running or"
          + " resuming it"), twice.getMessage());
    }
    // A process on another host (whose lock file is its own) running a node of the run, its heartbeat fresh.
    long other = store.putExecution(Execution.create("Flaky", ExecutionState.RUNNING, Map.of(), Map.of(
        Keys.RUN_ID, org.millrace.metadata.Value.of(check.runId()), Keys.NODE, org.millrace.metadata.Value.of("check"),
        org.millrace.pipelines.launch.Liveness.PID, org.millrace.metadata.Value.of(4242L),
        org.millrace.pipelines.launch.Liveness.HOST, org.millrace.metadata.Value.of("other-host"),
        org.millrace.pipelines.launch.Liveness.PROCESS_START_MS, org.millrace.metadata.Value.of(1L),
        org.millrace.pipelines.launch.Liveness.HEARTBEAT_MS, org.millrace.metadata.Value.of(System.currentTimeMillis()))),
        List.of(), List.of(org.millrace.metadata.Context.of(Keys.RUN_CONTEXT, check.runId()))).executionId();
    var elsewhere = assertThrows(IllegalArgumentException.class, () -> runner.resume(check.runId(), TWO));
    assertTrue(elsewhere.getMessage().contains("got node 'check' running (process 4242 on other-host)"),
        elsewhere.getMessage());
    store.putExecution(store.getExecution(other).orElseThrow().withState(ExecutionState.FAILED));
    RunResult resumed = runner.resume(check.runId(), TWO);
    assertTrue(resumed.succeeded(), resumed.toString());
    assertEquals("COMPLETE", resumed.node("check").state());
    assertEquals(List.of("check", "check", "check"), new StoreQueries(store).runExecutions(check.runId()).stream()
        .map(e -> StoreQueries.stringProp(e, Keys.NODE)).toList());
  }

  @Test
  void aRunStartedWithoutTheCacheIsResumedWithoutIt() throws Exception {
    Path marker = project.resolve("fail-now");
    assertTrue(runner.run(spec("hello", marker.toString()), Selection.ALL, TWO).succeeded());
    Files.writeString(marker, "x");
    RunResult noCache = runner.run(spec("hello", marker.toString()), Selection.ALL, new LocalRunner.Options(2, false));
    assertEquals("FAILED", noCache.node("check").state());
    Files.delete(marker);
    // The first run's check has the same key: with the cache it would be a hit; the run said --no-cache.
    RunResult resumed = runner.resume(noCache.runId(), TWO);
    assertEquals("COMPLETE", resumed.node("check").state(), resumed.toString());
  }

  @Test
  void aStoreThatFailsTheRecordOfAFinishedNodeIsSaidAndItsCheckpointsKept() throws Exception {
    Path marker = Files.writeString(project.resolve("fail-now"), "x");
    RunResult failed = runner.run(spec("hello", marker.toString()), Selection.ALL, TWO);
    assertEquals("FAILED", failed.node("check").state());
    Files.delete(marker);
    // The database goes away as the node finishes: its record, COMPLETE, fails (and so does the FAILED after).
    MetadataStore failing = (MetadataStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("putExecution") && args[0] instanceof Execution x
              && x.type().equals("Flaky") && x.state() != ExecutionState.RUNNING) {
            throw new org.millrace.metadata.MetadataStoreException("metadata store test: This connection has been"
                + " closed.", null);
          }
          try {
            return method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    var down = new LocalRunner(failing, registry, project, ProgressFactory.NONE);
    var e = assertThrows(org.millrace.metadata.MetadataStoreException.class, () -> down.resume(failed.runId(), TWO));
    assertTrue(e.getMessage().startsWith("node 'check': the metadata store failed recording its outcome: metadata"
        + " store test: This connection has been closed.. Its checkpoints are kept"), e.getMessage());
    // With the store back, the resume finds the checkpoint the first attempt left: it was not deleted.
    RunResult resumed = runner.resume(failed.runId(), TWO);
    assertTrue(resumed.succeeded(), resumed.toString());
    Path result = Path.of(resumed.node("check").outputUris().get("result").get(0)).resolve("result.txt");
    assertEquals("ok after 1 failed attempts", Files.readString(result));
  }

  @Test
  void failureIsRecordedAndResumeReusesWhatSucceeded() throws Exception {
    Path marker = Files.writeString(project.resolve("fail-now"), "x");
    RunResult failed = runner.run(spec("hello", marker.toString()), Selection.ALL, TWO);
    assertFalse(failed.succeeded());
    assertEquals("FAILED", failed.node("check").state());
    assertEquals("flaky failure: marker " + marker + " exists", failed.node("check").error());
    Execution recorded = store.getExecution(failed.node("check").executionId()).orElseThrow();
    assertEquals(ExecutionState.FAILED, recorded.state());
    assertTrue(String.valueOf(recorded.customProperties().get(Keys.ERROR).raw()).startsWith("flaky failure"));

    Files.delete(marker);
    RunResult resumed = runner.resume(failed.runId(), TWO);
    assertEquals(failed.runId(), resumed.runId());
    assertTrue(resumed.succeeded(), resumed.toString());
    assertEquals("REUSED", resumed.node("left").state());
    assertEquals("REUSED", resumed.node("join").state());
    assertEquals("COMPLETE", resumed.node("check").state());
    Path result = Path.of(resumed.node("check").outputUris().get("result").get(0)).resolve("result.txt");
    assertEquals("ok after 1 failed attempts", Files.readString(result), "the resume directory outlived the failure");
    try (var files = Files.list(result.getParent().getParent().getParent())) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".resume-")),
          "the resume directory is deleted after success");
    }
    List<Execution> inRun = new StoreQueries(store).runExecutions(failed.runId());
    assertEquals(5, inRun.size(), "4 nodes + the failed attempt, nothing re-executed");
  }

  @Test
  void retriesWithBackoffUntilTheAttemptsRunOut() throws Exception {
    Path marker = Files.writeString(project.resolve("always"), "x");
    PipelineSpec spec = new PipelineCompiler(registry).compile(YamlPipelineLoader.load("t.yaml", """
        pipeline: demo
        nodes:
          p: {component: Produce, parameters: {value: v}}
          f:
            component: Flaky
            inputs: {data: p.data}
            parameters: {marker: "%s"}
            retry: {max_attempts: 3, backoff_ms: 10}
        """.formatted(marker)));
    RunResult r = runner.run(spec, Selection.ALL, TWO);
    assertEquals("FAILED", r.node("f").state());
    long failedAttempts = new StoreQueries(store).runExecutions(r.runId()).stream()
        .filter(e -> e.state() == ExecutionState.FAILED).count();
    assertEquals(3, failedAttempts);
  }

  @Test
  void partialRunsTakeInputsFromEarlierRuns() {
    String marker = project.resolve("no-marker").toString();
    var spec = spec("hello", marker);
    RunResult none = runner.run(spec, new Selection(null, null, "join"), TWO);
    assertEquals("FAILED", none.node("join").state());
    assertEquals("input 'data' from left.data expected an artifact, got none. Node 'left' is not part of this run"
        + " and never ran: run it first", none.node("join").error());

    RunResult upTo = runner.run(spec, new Selection(null, "join", null), TWO);
    assertEquals("NOT_SELECTED", upTo.node("check").state());
    assertEquals("COMPLETE", upTo.node("join").state());
    RunResult only = runner.run(spec, new Selection(null, null, "join"), new LocalRunner.Options(2, false));
    assertEquals(List.of("NOT_SELECTED", "NOT_SELECTED", "COMPLETE", "NOT_SELECTED"),
        only.nodes().stream().map(NodeResult::state).toList());
  }

  @Test
  void aCrashAfterWritingLeavesNoLiveArtifact() throws Exception {
    PipelineSpec spec = producedInto("c", "Crash");
    RunResult r = runner.run(spec, Selection.ALL, TWO);
    assertEquals("FAILED", r.node("c").state());
    assertEquals("crashed after writing", r.node("c").error());
    assertTrue(store.getArtifacts(ArtifactQuery.builder().type("Model").build()).isEmpty());
    try (Stream<Path> files = Files.walk(project.resolve(".millrace/pipelines/demo/c"))) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().equals("half.txt")), "half output removed");
    }
  }

  @Test
  void anErrorTheRunnerDoesNotSurviveIsRecordedFirst() throws Exception {
    PipelineSpec spec = producedInto("d", "Doom");
    assertThrows(Throwable.class, () -> runner.run(spec, Selection.ALL, TWO));
    var doomed = store.getExecutions(org.millrace.metadata.ExecutionQuery.builder().build()).stream()
        .filter(x -> "d".equals(StoreQueries.stringProp(x, Keys.NODE))).toList();
    assertEquals(1, doomed.size(), doomed.toString());
    assertEquals(org.millrace.metadata.ExecutionState.FAILED, doomed.get(0).state());
    String error = StoreQueries.stringProp(doomed.get(0), Keys.ERROR);
    assertTrue(error.startsWith("ExceptionInInitializerError: java.lang.IllegalStateException: static init failed: start"
        + " Java with --add-opens=java.base/java.nio=ALL-UNNAMED"), error);
  }

  @Test
  void lineageReturnsTheChain() {
    RunResult r = runner.run(spec("hello", project.resolve("none").toString()), Selection.ALL, TWO);
    Artifact result = store.getArtifacts(ArtifactQuery.builder()
        .uri(r.node("join").outputUris().get("result").get(0)).build()).get(0);
    LineageGraph g = store.lineage(LineageQuery.fromArtifact(result.id(), LineageQuery.Direction.UPSTREAM, 10));
    assertEquals(Set.of("Model", "Examples"), g.artifacts().stream().map(Artifact::type).collect(Collectors.toSet()));
    assertEquals(3, g.artifacts().size());
    assertEquals(Set.of("join", "left", "right"), g.executions().stream()
        .map(e -> StoreQueries.stringProp(e, Keys.NODE)).collect(Collectors.toSet()));
  }

  /** Produce, then a node {@code id} of {@code component} reading its data. */
  PipelineSpec producedInto(String id, String component) {
    return new PipelineCompiler(registry).compile(YamlPipelineLoader.load("t.yaml", """
        pipeline: demo
        nodes:
          p: {component: Produce, parameters: {value: v}}
          %s: {component: %s, inputs: {data: p.data}}
        """.formatted(id, component)));
  }

  static void deleteTree(Path p) throws Exception {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
