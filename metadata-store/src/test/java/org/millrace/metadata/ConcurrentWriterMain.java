package org.millrace.metadata;

import java.util.List;
import java.util.Map;

/** One writer process of {@link ConcurrentProcessesTest}: args url, user, password, writer id, count. */
public final class ConcurrentWriterMain {
  private ConcurrentWriterMain() {}

  public static void main(String[] args) {
    String user = args[1].isEmpty() ? null : args[1];
    String password = args[2].isEmpty() ? null : args[2];
    int writer = Integer.parseInt(args[3]);
    int count = Integer.parseInt(args[4]);
    try (MetadataStore store = MetadataStores.open(args[0], user, password)) {
      MetadataStoreContract.registerTypes(store);
      for (int i = 0; i < count; i++) {
        Artifact in = MetadataStoreContract.examples("/w" + writer + "/in/" + i, i);
        Artifact out = MetadataStoreContract.examples("/w" + writer + "/out/" + i, i);
        store.putExecution(Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of()),
            List.of(ArtifactAndEvent.input(in, "examples"), ArtifactAndEvent.output(out, "model")),
            List.of(Context.of("pipeline", "shared"), Context.of("pipeline_run", "w" + writer)));
      }
    }
  }
}
