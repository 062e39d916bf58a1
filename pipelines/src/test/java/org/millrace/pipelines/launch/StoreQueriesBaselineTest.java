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
