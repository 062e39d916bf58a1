package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactAndEvent;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.metadata.Value;

/** The {@code latest_blessed} baseline is found however many unblessed trainer executions came after it. */
class StoreQueriesBaselineTest {
  @TempDir
  Path dir;

  @Test
  void findsBlessedModelPastManyUnblessedTrainerExecutions() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("metadata.sqlite"))) {
      StoreSchema.register(store);
      StoreSchema.registerExecutionType(store, "Trainer");
      StoreSchema.registerExecutionType(store, "Evaluator");
      long blessed = trainerRun(store, "run-0");
      bless(store, blessed, "run-0", 1L);
      for (int i = 1; i <= 260; i++) {
        long model = trainerRun(store, "run-" + i);
        if (i % 2 == 0) {
          bless(store, model, "run-" + i, 0L); // evaluated and rejected
        }
      }
      var found = new StoreQueries(store).latestBlessed("p", "trainer", "model", "run-new");
      assertTrue(found.isPresent(), "the blessed model of run-0 expected as the baseline, none found");
      assertEquals(blessed, found.get().id());
    }
  }

  @Test
  void thePreviousBaselineIsTheSpanBeforeWhateverOrderTheSpansRanIn() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("metadata.sqlite"))) {
      StoreSchema.register(store);
      StoreSchema.registerExecutionType(store, "StatisticsGen");
      long s3 = statisticsRun(store, "r3", 3);
      long s4 = statisticsRun(store, "r4", 4);
      long s5 = statisticsRun(store, "r5", 5);
      var queries = new StoreQueries(store);
      // The statistics of a span know it from the examples they were computed from.
      assertEquals(java.util.OptionalLong.of(4), queries.spanOf(store.getArtifact(s4).orElseThrow()));
      java.util.function.LongFunction<Long> baseline = span -> queries.previousOutput("p", "statistics", "statistics",
          "new", java.util.OptionalLong.of(span)).map(Artifact::id).orElse(-1L);
      assertEquals(s3, baseline.apply(4), "span 4 again (a backfill's second pass): span 3, not the newest run's 5");
      assertEquals(s4, baseline.apply(5), "span 5 again: span 4, not the earlier run of span 5");
      assertEquals(-1L, baseline.apply(2), "a span older than every other: no baseline, not span 5");
      assertEquals(s5, baseline.apply(9), "a span after a gap: the nearest earlier one");
      // Span 3 run again, after span 5: of one span, its newest run.
      long s3again = statisticsRun(store, "r3b", 3);
      assertEquals(s3again, baseline.apply(4));
      // No span known: the newest output of another run, as before.
      assertEquals(s3again, queries.previousOutput("p", "statistics", "statistics", "new", java.util.OptionalLong.empty())
          .orElseThrow().id());
      // Data without spans (span 0 in every run): the previous run.
      long a = statisticsRun(store, "z1", 0);
      long b = statisticsRun(store, "z2", 0);
      assertEquals(b, baseline.apply(0));
      assertTrue(a != b);
    }
  }

  private long statisticsRun(MetadataStore store, String run, long span) throws Exception {
    Path examplesUri = Files.createDirectories(dir.resolve("examples").resolve(run));
    Artifact examples = store.getArtifact(store.putArtifact(Artifacts.toStore("Examples", examplesUri.toString(),
        Map.of("span", span)))).orElseThrow();
    Path uri = Files.createDirectories(dir.resolve("statistics").resolve(run));
    var res = store.putExecution(Execution.create("StatisticsGen", ExecutionState.COMPLETE, Map.of(),
            Map.of(Keys.RUN_ID, Value.of(run), Keys.NODE, Value.of("statistics"))),
        List.of(ArtifactAndEvent.input(examples, "examples"),
            ArtifactAndEvent.output(Artifacts.toStore("ExampleStatistics", uri.toString(), Map.of()), "statistics")),
        contexts(run, "statistics"));
    return res.artifactIds().get(1);
  }

  private long trainerRun(MetadataStore store, String run) throws Exception {
    Path uri = Files.createDirectories(dir.resolve("models").resolve(run));
    Artifact model = Artifacts.toStore("Model", uri.toString(), Map.of());
    var res = store.putExecution(Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(),
            Map.of(Keys.RUN_ID, Value.of(run), Keys.NODE, Value.of("trainer"))),
        List.of(ArtifactAndEvent.output(model, "model")), contexts(run, "trainer"));
    return res.artifactIds().get(0);
  }

  private void bless(MetadataStore store, long modelId, String run, long blessed) throws Exception {
    Artifact model = store.getArtifact(modelId).orElseThrow();
    Path uri = Files.createDirectories(dir.resolve("blessings").resolve(run));
    Artifact blessing = Artifacts.toStore("ModelBlessing", uri.toString(), Map.of("blessed", blessed));
    store.putExecution(Execution.create("Evaluator", ExecutionState.COMPLETE, Map.of(),
            Map.of(Keys.RUN_ID, Value.of(run), Keys.NODE, Value.of("evaluator"))),
        List.of(ArtifactAndEvent.input(model, "model"), ArtifactAndEvent.output(blessing, "blessing")),
        contexts(run, "evaluator"));
  }

  private static List<Context> contexts(String run, String node) {
    return List.of(Context.of(Keys.PIPELINE_CONTEXT, "p"), Context.of(Keys.RUN_CONTEXT, run),
        Context.of(Keys.NODE_CONTEXT, Keys.nodeContext("p", node)));
  }
}
