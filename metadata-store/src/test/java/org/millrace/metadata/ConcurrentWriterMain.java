package org.millrace.metadata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One writer process of {@link ConcurrentProcessesTest}: args url, user, password, writer id, count,
 * and a start directory. The writer announces itself with {@code ready-<id>} there, then waits for
 * {@code go} before opening the store, so that every writer opens it at the same moment. An optional
 * seventh argument names how many further new SQLite files to create first, racing the others.
 */
public final class ConcurrentWriterMain {
  private ConcurrentWriterMain() {}

  public static void main(String[] args) throws Exception {
    String user = args[1].isEmpty() ? null : args[1];
    String password = args[2].isEmpty() ? null : args[2];
    int writer = Integer.parseInt(args[3]);
    int count = Integer.parseInt(args[4]);
    Path start = Path.of(args[5]);
    // Load the JDBC driver and the migration classes first, so that the writers' real work, not
    // their class loading, overlaps after the signal.
    MetadataStores.open("jdbc:sqlite::memory:").close();
    Files.writeString(start.resolve("ready-" + writer), "");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(start.resolve("go"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no go signal in " + start + " within 120 s");
      }
      Thread.sleep(1); // not a spin: on two cores, spinning writers slowed those still starting
    }
    // Optionally, first race the other writers to create several new SQLite files (args[6] of them).
    int races = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    for (int r = 0; r < races; r++) {
      MetadataStores.open(args[0] + ".race-" + r).close();
    }
    try (MetadataStore store = MetadataStores.open(args[0], user, password)) {
      MetadataStoreContract.registerTypes(store);
      for (int i = 0; i < count; i++) {
        Artifact in = MetadataStoreContract.examples("/w" + writer + "/in/" + i, i);
        Artifact out = MetadataStoreContract.examples("/w" + writer + "/out/" + i, i);
        store.putExecution(Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of()),
            List.of(ArtifactAndEvent.input(in, "examples"), ArtifactAndEvent.output(out, "model")),
            List.of(Context.of("pipeline", "shared"), Context.of("pipeline_run", "w" + writer)));
        // A pipeline writes between steps, not in a tight loop: leave the others a turn (SQLite's
        // lock otherwise goes to whoever asks again first, and writers run one after another).
        Thread.sleep(5);
      }
    }
  }
}
