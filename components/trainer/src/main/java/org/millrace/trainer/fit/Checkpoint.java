package org.millrace.trainer.fit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.millrace.trainer.io.SafeTensors;

/**
 * The complete state of a training run at a step boundary: network tensors, optimizer slots and
 * step, the best tensors so far (for early stopping), the position (epoch, next batch), the
 * epoch's running loss and the history. Written to {@code <dir>/step-<n>/} (state.json +
 * state.safetensors), then published by atomically replacing {@code <dir>/LATEST}; older steps are
 * removed. A run killed at any moment leaves the previous checkpoint readable.
 *
 * <p>The history (one entry per epoch) is appended to {@code <dir>/history.jsonl}, one JSON line
 * per epoch, rather than rewritten whole into every checkpoint: a long run of a small network
 * (thousands of epochs, or a checkpoint every few steps) wrote its whole history again each time,
 * work that grew with the square of its length. state.json says how many entries, and how many bytes
 * of the file, are its own; lines after those (appended by a process killed before it published its
 * checkpoint) are cut off by the next write and never read. A checkpoint of format_version 1 (the
 * history inside state.json) is still read.
 */
public record Checkpoint(String fingerprint, int epoch, int batch, long step, float[] epochAcc,
    List<EpochMetrics> history, double best, int bestEpoch, int sinceBest, boolean finished, boolean stoppedEarly,
    List<float[]> tensors, List<float[]> slots, List<float[]> bestTensors) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** One entry of the history per line. */
  private static final ObjectMapper LINES = new ObjectMapper();
  static final String LATEST = "LATEST";
  static final String HISTORY = "history.jsonl";

  /** Writes this checkpoint under {@code dir} and makes it the latest. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    String name = "step-" + step + (finished ? "-final" : "");
    Path target = dir.resolve(name);
    Path tmp = Files.createTempDirectory(dir, ".tmp-");
    var tensorsOut = new LinkedHashMap<String, SafeTensors.Tensor>();
    put(tensorsOut, "tensor", tensors);
    put(tensorsOut, "slot", slots);
    put(tensorsOut, "best", bestTensors);
    tensorsOut.put("epoch_acc", new SafeTensors.Tensor(List.of(epochAcc.length), epochAcc));
    SafeTensors.write(tmp.resolve("state.safetensors"), tensorsOut, Map.of("format", "millrace-checkpoint"));
    var meta = new LinkedHashMap<String, Object>();
    meta.put("format", "millrace-checkpoint");
    meta.put("format_version", 2);
    meta.put("fingerprint", fingerprint);
    meta.put("epoch", epoch);
    meta.put("batch", batch);
    meta.put("step", step);
    meta.put("best", Double.isInfinite(best) ? null : best);
    meta.put("best_epoch", bestEpoch);
    meta.put("since_best", sinceBest);
    meta.put("finished", finished);
    meta.put("stopped_early", stoppedEarly);
    meta.put("counts", List.of(tensors.size(), slots.size(), bestTensors.size()));
    meta.put("history_count", history.size());
    meta.put("history_bytes", appendHistory(dir));
    JSON.writeValue(tmp.resolve("state.json").toFile(), meta);
    deleteRecursively(target);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    Path latestTmp = dir.resolve(".LATEST.tmp");
    Files.writeString(latestTmp, name);
    Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (!f.equals(name) && (f.startsWith("step-") || f.startsWith(".tmp-"))) {
          deleteRecursively(p);
        }
      }
    }
  }

  /**
   * Appends to {@code dir}'s history file the entries the published checkpoint's history does not
   * have (all of them when it is another training's, by fingerprint, or holds more than this one),
   * after cutting off whatever follows that checkpoint's bytes; returns the file's length after.
   */
  long appendHistory(Path dir) throws IOException {
    int count = 0;
    long bytes = 0;
    JsonNode published = publishedState(dir);
    if (published != null && published.path("format_version").asInt() == 2
        && fingerprint.equals(published.path("fingerprint").asText())
        && published.path("history_count").asInt() <= history.size()) {
      count = published.path("history_count").asInt();
      bytes = published.path("history_bytes").asLong();
    }
    // RandomAccessFile, not a FileChannel: an interrupt (training stopped) must not close the file
    // mid-write; the trainer says it was interrupted at the step boundary.
    try (var file = new RandomAccessFile(dir.resolve(HISTORY).toFile(), "rw")) {
      if (file.length() < bytes) {
        // Shorter than the published checkpoint says: write it whole again.
        count = 0;
        bytes = 0;
      }
      if (bytes == 0 && published != null) {
        // The history is written anew over what the published checkpoint reads (another training's, or a
        // file cut short): unpublish it first, so that a kill before this one is published leaves no
        // checkpoint rather than one whose history is gone.
        Files.deleteIfExists(dir.resolve(LATEST));
      }
      file.setLength(bytes);
      file.seek(bytes);
      var lines = new StringBuilder();
      for (EpochMetrics m : history.subList(count, history.size())) {
        lines.append(LINES.writeValueAsString(m)).append('\n');
      }
      file.write(lines.toString().getBytes(StandardCharsets.UTF_8));
      return file.getFilePointer();
    }
  }

  /** The state.json that {@code dir}'s LATEST names, or null when there is none to be read. */
  private static JsonNode publishedState(Path dir) {
    try {
      Path latest = dir.resolve(LATEST);
      if (!Files.isRegularFile(latest)) {
        return null;
      }
      Path json = dir.resolve(Files.readString(latest).trim()).resolve("state.json");
      return Files.isRegularFile(json) ? JSON.readTree(json.toFile()) : null;
    } catch (IOException | RuntimeException e) {
      return null; // unreadable: the history is written whole
    }
  }

  /** The latest checkpoint under {@code dir}, or null if there is none. Fails naming the file that is damaged. */
  public static Checkpoint readLatest(Path dir) throws IOException {
    Path latest = dir.resolve(LATEST);
    if (!Files.isRegularFile(latest)) {
      return null;
    }
    Path d = dir.resolve(Files.readString(latest).trim());
    Path json = d.resolve("state.json");
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException(latest + " names " + d + ", which expected state.json, got none");
    }
    var meta = JSON.readTree(json.toFile());
    int version = meta.path("format_version").asInt();
    if (!"millrace-checkpoint".equals(meta.path("format").asText()) || version != 1 && version != 2) {
      throw new IllegalArgumentException(json + ": expected a millrace-checkpoint format_version 1 or 2, got "
          + meta.path("format") + " " + meta.path("format_version"));
    }
    Map<String, SafeTensors.Tensor> t = SafeTensors.read(d.resolve("state.safetensors"));
    var counts = meta.path("counts");
    var history = new ArrayList<EpochMetrics>();
    if (version == 1) {
      for (var h : meta.path("history")) {
        history.add(JSON.treeToValue(h, EpochMetrics.class));
      }
    } else {
      history.addAll(readHistory(dir.resolve(HISTORY), json, meta.path("history_count").asInt(),
          meta.path("history_bytes").asLong()));
    }
    return new Checkpoint(meta.path("fingerprint").asText(), meta.path("epoch").asInt(), meta.path("batch").asInt(),
        meta.path("step").asLong(), get(t, "epoch_acc", d), history,
        meta.path("best").isNull() ? Double.POSITIVE_INFINITY : meta.path("best").asDouble(),
        meta.path("best_epoch").asInt(), meta.path("since_best").asInt(), meta.path("finished").asBoolean(),
        meta.path("stopped_early").asBoolean(), list(t, "tensor", counts.get(0).asInt(), d),
        list(t, "slot", counts.get(1).asInt(), d), list(t, "best", counts.get(2).asInt(), d));
  }

  /** The first {@code count} entries of the history file, which {@code json} says fill its first {@code bytes}. */
  private static List<EpochMetrics> readHistory(Path file, Path json, int count, long bytes) throws IOException {
    long size = Files.isRegularFile(file) ? Files.size(file) : -1;
    if (size < bytes) {
      throw new IllegalArgumentException(json + " expected " + file + " to hold its " + count + " epochs in "
          + bytes + " bytes, got " + (size < 0 ? "no such file" : size + " bytes"));
    }
    byte[] all = new byte[Math.toIntExact(bytes)];
    try (var in = new RandomAccessFile(file.toFile(), "r")) {
      in.readFully(all);
    }
    var out = new ArrayList<EpochMetrics>(count);
    int line = 0;
    for (String text : new String(all, StandardCharsets.UTF_8).split("\n")) {
      line++;
      if (text.isEmpty()) {
        continue;
      }
      try {
        out.add(LINES.readValue(text, EpochMetrics.class));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(file + " line " + line + ": expected an epoch's metrics, got '"
            + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "' (" + e.getOriginalMessage() + ")");
      }
    }
    if (out.size() != count) {
      throw new IllegalArgumentException(json + " expected " + count + " epochs in the first " + bytes + " bytes of "
          + file + ", got " + out.size());
    }
    return out;
  }

  private static void put(Map<String, SafeTensors.Tensor> out, String prefix, List<float[]> values) {
    for (int i = 0; i < values.size(); i++) {
      out.put(prefix + "." + i, new SafeTensors.Tensor(List.of(values.get(i).length), values.get(i)));
    }
  }

  private static List<float[]> list(Map<String, SafeTensors.Tensor> t, String prefix, int n, Path d) {
    var out = new ArrayList<float[]>();
    for (int i = 0; i < n; i++) {
      out.add(get(t, prefix + "." + i, d));
    }
    return out;
  }

  private static float[] get(Map<String, SafeTensors.Tensor> t, String name, Path d) {
    SafeTensors.Tensor x = t.get(name);
    if (x == null) {
      throw new IllegalArgumentException(d.resolve("state.safetensors") + ": tensor '" + name + "' expected, got none");
    }
    return x.data();
  }

  static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
