package org.millrace.trainer.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's history goes to an append-only file: each write adds only the epochs since the
 * published checkpoint, lines a killed writer appended past it are cut off and never read, and a
 * checkpoint of the earlier format (the history inside state.json) is still read.
 */
class CheckpointTest {
  @TempDir
  Path dir;

  private static EpochMetrics epoch(int e) {
    return new EpochMetrics(e, 1.0 / (e + 1), Double.NaN, 0.5 + e / 100.0, 10L * e,
        List.of(new ReplicaRows(0, 100 + e, 7L * e)));
  }

  private static List<EpochMetrics> epochs(int n) {
    var out = new ArrayList<EpochMetrics>();
    for (int e = 0; e < n; e++) {
      out.add(epoch(e));
    }
    return out;
  }

  private static Checkpoint checkpoint(String fingerprint, List<EpochMetrics> history, long step) {
    return new Checkpoint(fingerprint, history.size(), 0, step, new float[] {1f, 2f}, List.copyOf(history), 0.25, 1, 0,
        false, false, List.of(new float[] {3f, 4f}), List.of(new float[] {5f}), List.of(new float[] {6f}));
  }

  private List<String> historyLines() throws Exception {
    return Files.readAllLines(dir.resolve(Checkpoint.HISTORY));
  }

  @Test
  void eachWriteAppendsOnlyTheNewEpochs() throws Exception {
    Path file = dir.resolve(Checkpoint.HISTORY);
    for (int n = 0; n <= 6; n++) {
      checkpoint("fp", epochs(n), n * 10L).write(dir);
      // Two writes within one epoch (checkpoint_every_steps) add nothing the second time.
      checkpoint("fp", epochs(n), n * 10L + 5).write(dir);
      if (n == 1) {
        // Marks the first line in place (same length): a write that rewrote the history would undo it.
        Files.writeString(file, Files.readString(file).replaceFirst("\"epoch\":0,", "\"epoch\":8,"));
      }
    }
    assertEquals(6, historyLines().size(), "one line per epoch");
    Checkpoint read = Checkpoint.readLatest(dir);
    assertEquals(8, read.history().get(0).epoch(), "the first epoch's line expected written once, not again");
    assertEquals(epochs(6).subList(1, 6).toString(), read.history().subList(1, 6).toString());
    assertEquals(65, read.step());
  }

  @Test
  void linesAKilledWriterAppendedAreNeitherReadNorKept() throws Exception {
    checkpoint("fp", epochs(3), 30).write(dir);
    // A writer killed after appending, before publishing its checkpoint: a whole line and half of one.
    String extra = historyLines().get(0) + "\n{\"epoch\":9,\"trainL";
    Files.writeString(dir.resolve(Checkpoint.HISTORY), extra, StandardOpenOption.APPEND);
    assertEquals(epochs(3).toString(), Checkpoint.readLatest(dir).history().toString());
    checkpoint("fp", epochs(4), 40).write(dir);
    assertEquals(4, historyLines().size());
    assertEquals(epochs(4).toString(), Checkpoint.readLatest(dir).history().toString());
  }

  @Test
  void anotherTrainingsHistoryIsWrittenOver() throws Exception {
    checkpoint("fp-a", epochs(5), 50).write(dir);
    checkpoint("fp-b", epochs(2), 20).write(dir);
    assertEquals(2, historyLines().size());
    assertEquals(epochs(2).toString(), Checkpoint.readLatest(dir).history().toString());
  }

  /**
   * Another training's checkpoint in the directory: its history is written over, so it is
   * unpublished first. A kill after the history is written, before the new checkpoint is published,
   * leaves no checkpoint, not one whose history file no longer holds its epochs (every later resume
   * failed reading it).
   */
  @Test
  void writingOverAnotherTrainingsHistoryUnpublishesItFirst() throws Exception {
    checkpoint("fp-a", epochs(5), 50).write(dir);
    checkpoint("fp-b", epochs(2), 20).appendHistory(dir); // the write's first step, then killed
    assertEquals(null, Checkpoint.readLatest(dir));
    // The same training going on appends without unpublishing.
    checkpoint("fp-b", epochs(2), 20).write(dir);
    checkpoint("fp-b", epochs(3), 30).appendHistory(dir);
    assertEquals(2, Checkpoint.readLatest(dir).history().size());
  }

  @Test
  void aHistoryFileCutShortIsNamed() throws Exception {
    checkpoint("fp", epochs(3), 30).write(dir);
    Path file = dir.resolve(Checkpoint.HISTORY);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 10));
    var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.readLatest(dir));
    assertTrue(e.getMessage().contains(file + " to hold its 3 epochs in " + all.length + " bytes, got "
        + (all.length - 10) + " bytes"), e.getMessage());
    // A damaged line within the checkpoint's bytes: its line number.
    String text = new String(all, StandardCharsets.UTF_8).replaceFirst("\"epoch\":1,", "\"epoch\":x,");
    Files.writeString(file, text);
    var damaged = assertThrows(IllegalArgumentException.class, () -> Checkpoint.readLatest(dir));
    assertTrue(damaged.getMessage().startsWith(file + " line 2: expected an epoch's metrics, got '{\"epoch\":x,"),
        damaged.getMessage());
  }

  @Test
  void aCheckpointOfTheFirstFormatIsRead() throws Exception {
    checkpoint("fp", epochs(2), 20).write(dir);
    Path step = dir.resolve(Files.readString(dir.resolve(Checkpoint.LATEST)).trim());
    String state = Files.readString(step.resolve("state.json"));
    // The same state as format_version 1 wrote it: the history inside, no history file.
    String v1 = state.replace("\"format_version\" : 2", "\"format_version\" : 1")
        .replaceFirst("\"history_count\" : 2,\\s*\"history_bytes\" : \\d+",
            "\"history\" : [ {\"epoch\":0,\"trainLoss\":1.0,\"validationLoss\":\"NaN\",\"validationAccuracy\":0.5,"
                + "\"millis\":0}, {\"epoch\":1,\"trainLoss\":0.5,\"validationLoss\":\"NaN\",\"validationAccuracy\":0.51,"
                + "\"millis\":10} ]");
    assertTrue(v1.contains("\"history\" : ["), v1);
    Files.writeString(step.resolve("state.json"), v1);
    Files.delete(dir.resolve(Checkpoint.HISTORY));
    Checkpoint read = Checkpoint.readLatest(dir);
    assertEquals(2, read.history().size());
    assertEquals(0.51, read.history().get(1).validationAccuracy(), 1e-12);
    // The next write after an upgrade writes the whole history to the file.
    checkpoint("fp", read.history().subList(0, 2), 30).write(dir);
    assertEquals(2, historyLines().size());
  }
}
