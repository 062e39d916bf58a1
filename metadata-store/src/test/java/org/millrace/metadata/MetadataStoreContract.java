package org.millrace.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every store must have; subclasses open SQLite and PostgreSQL stores. */
abstract class MetadataStoreContract {
  MetadataStore store;

  abstract MetadataStore openStore() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = openStore();
    registerTypes(store);
  }

  @AfterEach
  void tearDown() {
    // Null when opening was skipped (no PostgreSQL server): the skip must stay a skip.
    if (store != null) {
      store.close();
    }
  }

  static void registerTypes(MetadataStore s) {
    s.putType(StoreType.artifact("Examples", Map.of("span", PropertyType.INT, "split_names", PropertyType.STRING)));
    s.putType(StoreType.artifact("Model", Map.of("accuracy", PropertyType.DOUBLE)));
    s.putType(StoreType.execution("Trainer", Map.of("epochs", PropertyType.INT)));
    s.putType(StoreType.execution("ExampleGen", Map.of()));
    s.putType(StoreType.context("pipeline", Map.of()));
    s.putType(StoreType.context("pipeline_run", Map.of()));
  }

  static Artifact examples(String uri, long span) {
    return Artifact.create("Examples", uri, ArtifactState.LIVE, Map.of("span", Value.of(span)),
        Map.of("owner", Value.of("team-a")));
  }

  @Test
  void typesAreIdempotentAndRejectIncompatibleRedefinition() {
    StoreType again = store.putType(StoreType.artifact("Examples", Map.of("span", PropertyType.INT)));
    assertEquals(Set.of("span", "split_names"), again.properties().keySet());
    StoreType extended = store.putType(StoreType.artifact("Examples", Map.of("version", PropertyType.INT)));
    assertEquals(Set.of("span", "split_names", "version"), extended.properties().keySet());
    var e = assertThrows(IllegalArgumentException.class,
        () -> store.putType(StoreType.artifact("Examples", Map.of("span", PropertyType.STRING))));
    assertEquals("artifact type Examples property 'span' expected INT (as registered), got STRING."
        + " Register a new type name instead.", e.getMessage());
  }

  @Test
  void putExecutionStoresEverythingAndQueriesFindIt() {
    var run = Context.of("pipeline_run", "run-1");
    var pipeline = Context.of("pipeline", "penguins");
    var r = store.putExecution(Execution.create("ExampleGen", ExecutionState.COMPLETE, Map.of(), Map.of()),
        List.of(ArtifactAndEvent.output(examples("/lake/span-1", 1), "examples"),
            ArtifactAndEvent.output(examples("/lake/span-2", 2), "examples")),
        List.of(pipeline, run));
    assertEquals(2, r.artifactIds().size());
    Artifact a = store.getArtifact(r.artifactIds().get(1)).orElseThrow();
    assertEquals("/lake/span-2", a.uri());
    assertEquals(Value.of(2L), a.properties().get("span"));
    assertEquals(Value.of("team-a"), a.customProperties().get("owner"));
    assertEquals(ArtifactState.LIVE, a.state());

    long pipelineId = store.getContext("pipeline", "penguins").orElseThrow().id();
    assertEquals(r.contextIds().get(0), pipelineId);
    assertEquals(2, store.getArtifacts(ArtifactQuery.builder().context(pipelineId).build()).size());
    assertEquals(List.of("/lake/span-2"), uris(ArtifactQuery.builder().type("Examples")
        .where(new PropertyFilter("span", PropertyFilter.Op.GT, Value.of(1L))).build()));
    assertEquals(List.of("/lake/span-1"), uris(ArtifactQuery.builder()
        .where(PropertyFilter.eq("span", 1L)).where(PropertyFilter.eq("owner", "team-a")).build()));
    assertEquals(List.of("/lake/span-2"), uris(ArtifactQuery.builder().newestFirst().limit(1).build()));
    assertEquals(List.of("/lake/span-2"), uris(ArtifactQuery.builder().limit(1).offset(1).build()));
    assertEquals(List.of("/lake/span-1"), uris(ArtifactQuery.builder().uri("/lake/span-1").build()));
    assertTrue(store.getArtifacts(ArtifactQuery.builder().type("NoSuchType").build()).isEmpty());

    var events = store.getEventsByExecutionIds(List.of(r.executionId()));
    assertEquals(2, events.size());
    assertTrue(events.stream().allMatch(ev -> ev.type() == EventType.OUTPUT && ev.key().equals("examples")));
    assertEquals(List.of("pipeline", "pipeline_run"),
        store.getContextsByArtifact(r.artifactIds().get(0)).stream().map(Context::type).toList());
    assertEquals(2, store.getContextsByExecution(r.executionId()).size());
    assertEquals(1, store.getExecutions(ExecutionQuery.builder().context(pipelineId)
        .state(ExecutionState.COMPLETE).build()).size());
  }

  @Test
  void executionStateUpdates() {
    long id = store.putExecution(Execution.create("Trainer", ExecutionState.RUNNING, Map.of("epochs", Value.of(3L)),
        Map.of()));
    Execution e = store.getExecution(id).orElseThrow();
    store.putExecution(e.withState(ExecutionState.FAILED).withCustomProperties(Map.of("error", Value.of("boom"))));
    Execution failed = store.getExecution(id).orElseThrow();
    assertEquals(ExecutionState.FAILED, failed.state());
    assertEquals(Value.of("boom"), failed.customProperties().get("error"));
    assertEquals(Value.of(3L), failed.properties().get("epochs"));
    var bad = assertThrows(IllegalArgumentException.class,
        () -> store.putExecution(e.withId(999_999)));
    assertEquals("execution id expected an existing execution, got 999999", bad.getMessage());
  }

  @Test
  void badInputIsRejectedAndNothingIsWritten() {
    var unknown = assertThrows(IllegalArgumentException.class, () -> store.putExecution(
        Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of()),
        List.of(ArtifactAndEvent.output(examples("/ok", 1), "examples"),
            ArtifactAndEvent.output(Artifact.create("Foo", "/x", ArtifactState.LIVE, Map.of(), Map.of()), "foo")),
        List.of(Context.of("pipeline", "p"))));
    assertEquals("artifact type expected one of the registered types [Examples, Model], got 'Foo'."
        + " Register it with putType first.", unknown.getMessage());
    assertTrue(store.getArtifacts(ArtifactQuery.builder().build()).isEmpty(), "transaction must roll back");
    assertTrue(store.getExecutions(ExecutionQuery.builder().build()).isEmpty(), "transaction must roll back");
    assertTrue(store.getContext("pipeline", "p").isEmpty(), "transaction must roll back");

    var mismatch = assertThrows(IllegalArgumentException.class, () -> store.putArtifact(Artifact.create(
        "Examples", "/x", ArtifactState.LIVE, Map.of("span", Value.of("one")), Map.of())));
    assertEquals("artifact type Examples property 'span' expected INT, got STRING one", mismatch.getMessage());
    var undeclared = assertThrows(IllegalArgumentException.class, () -> store.putArtifact(Artifact.create(
        "Model", "/m", ArtifactState.LIVE, Map.of("loss", Value.of(0.5)), Map.of())));
    assertEquals("artifact type Model property 'loss' expected one of the declared properties [accuracy],"
        + " got an undeclared one. Use a custom property or declare it.", undeclared.getMessage());
  }

  @Test
  void contextsAreCreatedOnceByTypeAndName() {
    Context a = store.putContext(Context.of("pipeline", "p"));
    Context b = store.putContext(Context.of("pipeline", "p"));
    assertEquals(a.id(), b.id());
    assertEquals(1, store.getContexts("pipeline").size());
    var e = assertThrows(IllegalArgumentException.class, () -> store.putContext(Context.of("team", "x")));
    assertTrue(e.getMessage().startsWith("context type expected one of the registered types [pipeline, pipeline_run]"),
        e.getMessage());
  }

  /** updateContext sets the properties it names and keeps the others; a context it cannot find is an error. */
  @Test
  void aContextsPropertiesAreUpdatedByNameAndTheOthersKept() {
    store.putType(StoreType.context("run_of_test", Map.of("spec", PropertyType.STRING, "ended_ms", PropertyType.INT)));
    Context made = store.putContext(Context.of("run_of_test", "r1", Map.of("spec", Value.of("{}"), "ended_ms",
        Value.of(0L))));
    Context updated = store.updateContext(Context.of("run_of_test", "r1", Map.of("ended_ms", Value.of(42L))));
    assertEquals(made.id(), updated.id());
    assertEquals(42L, store.getContext("run_of_test", "r1").orElseThrow().properties().get("ended_ms").raw());
    assertEquals("{}", store.getContext("run_of_test", "r1").orElseThrow().properties().get("spec").raw());
    var missing = assertThrows(IllegalArgumentException.class, () -> store.updateContext(Context.of("run_of_test",
        "r2", Map.of("ended_ms", Value.of(1L)))));
    assertEquals("context expected an existing run_of_test 'r2', got none", missing.getMessage());
    assertTrue(store.getContext("run_of_test", "r2").isEmpty(), "not created");
  }

  /** ingest -> transform -> train -> evaluate chain: data/0 -> e1 -> a1 -> e2 -> a2 -> e3 -> a3. */
  @Test
  void lineageFollowsEventsWithBoundedHops() {
    long data = store.putArtifact(examples("/data/0", 7));
    long prev = data;
    long[] outs = new long[3];
    for (int i = 0; i < 3; i++) {
      Artifact in = store.getArtifact(prev).orElseThrow();
      var r = store.putExecution(Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of()),
          List.of(ArtifactAndEvent.input(in, "examples"), ArtifactAndEvent.output(examples("/out/" + i, 7), "out")),
          List.of());
      outs[i] = r.artifactIds().get(1);
      prev = outs[i];
    }
    LineageGraph up = store.lineage(LineageQuery.fromArtifact(outs[2], LineageQuery.Direction.UPSTREAM, 10));
    assertEquals(Set.of("/data/0", "/out/0", "/out/1", "/out/2"), uriSet(up));
    assertEquals(3, up.executions().size());
    assertEquals(6, up.events().size());
    assertEquals("/out/1", up.artifact(up.inputsOf(up.producerOf(outs[2]).orElseThrow().id()).get(0).artifactId())
        .orElseThrow().uri());

    LineageGraph twoHops = store.lineage(LineageQuery.fromArtifact(outs[2], LineageQuery.Direction.UPSTREAM, 2));
    assertEquals(Set.of("/out/1", "/out/2"), uriSet(twoHops));

    LineageGraph down = store.lineage(LineageQuery.fromArtifact(data, LineageQuery.Direction.DOWNSTREAM, 4));
    assertEquals(Set.of("/data/0", "/out/0", "/out/1"), uriSet(down));
    assertFalse(uriSet(down).contains("/out/2"));
  }

  List<String> uris(ArtifactQuery q) {
    return store.getArtifacts(q).stream().map(Artifact::uri).toList();
  }

  static Set<String> uriSet(LineageGraph g) {
    return g.artifacts().stream().map(Artifact::uri).collect(Collectors.toSet());
  }

  /** An Error (OutOfMemoryError, StackOverflowError) half way through a transaction rolls it back. */
  @Test
  void anErrorInsideATransactionRollsItBack() throws Exception {
    var jdbc = (JdbcMetadataStore) store;
    var field = JdbcMetadataStore.class.getDeclaredField("conn");
    field.setAccessible(true);
    var conn = (java.sql.Connection) field.get(jdbc);
    for (Error error : List.<Error>of(new OutOfMemoryError("test"), new StackOverflowError("test"))) {
      String name = "Half" + error.getClass().getSimpleName();
      Error thrown = assertThrows(Error.class, () -> jdbc.transaction(() -> {
        try (var ps = conn.prepareStatement("INSERT INTO mr_type (kind, name) VALUES ('ARTIFACT', ?)")) {
          ps.setString(1, name);
          ps.executeUpdate();
        }
        throw error;
      }));
      assertEquals(error, thrown);
      assertFalse(store.getType(TypeKind.ARTIFACT, name).isPresent(), name + " was committed");
    }
    // The store goes on working.
    assertTrue(store.putArtifact(examples("/after", 1)) > 0);
  }
}
