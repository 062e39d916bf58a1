package org.millrace.api.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.FeatureType;

/** {@code Split-<name>/statistics.json} has one owner, and its bytes are pinned by a golden file. */
class StatisticsModelTest {
  @TempDir
  Path dir;

  /** Numbers, categories, a feature with no values; maps given out of key order (the file sorts them). */
  static StatisticsModel sample() {
    var quantiles = new LinkedHashMap<String, Double>();
    quantiles.put("0.75", 48.5);
    quantiles.put("0.25", 39.225);
    quantiles.put("0.5", 44.45);
    var culmen = new FeatureStatistics("culmen_length_mm", FeatureType.FLOAT, 5, 4, 1, 1,
        new FeatureStatistics.Numeric(1.0E-7, 12345678.9, 43.92, 5.4625, 0, quantiles,
            List.of(1L, 0L, 2L, 0L, 0L, 0L, 0L, 0L, 0L, 1L)), null);
    var counts = new LinkedHashMap<String, Long>();
    counts.put("Torgersen", 1L);
    counts.put("Biscoe", 3L);
    counts.put("Dream", 1L);
    var island = new FeatureStatistics("island", FeatureType.STRING, 5, 5, 0, 0, null,
        new FeatureStatistics.Categorical(3, true, List.of(new FeatureStatistics.ValueCount("Biscoe", 3),
            new FeatureStatistics.ValueCount("Dream", 1), new FeatureStatistics.ValueCount("Torgersen", 1)),
            counts, 6.2));
    var mass = new FeatureStatistics("body_mass_g", FeatureType.INT, 5, 0, 5, 0,
        new FeatureStatistics.Numeric(null, null, null, null, 0, Map.of(), List.of()), null);
    return new StatisticsModel("train", 5, List.of(culmen, island, mass));
  }

  @Test
  void writesTheGoldenFileByteForByte() throws Exception {
    sample().write(dir);
    Golden.assertSameBytes(StatisticsModel.file(Golden.dir("statistics"), "train"), StatisticsModel.file(dir, "train"));
    assertEquals(Files.readString(StatisticsModel.file(dir, "train")), sample().toJson());
  }

  @Test
  void theGoldenFileReadsBackAsTheInstance() {
    assertEquals(sample(), StatisticsModel.read(Golden.dir("statistics"), "train"));
    assertEquals(sample(), StatisticsModel.fromJson(sample().toJson(), "a test"));
  }

  @Test
  void aMissingSplitIsAnErrorNamingTheFile() {
    var e = assertThrows(UncheckedIOException.class, () -> StatisticsModel.read(dir, "eval"));
    assertEquals(dir.resolve("Split-eval").resolve("statistics.json")
        + " expected a statistics JSON file ({split, rows, features}), but there is no such file", e.getMessage());
  }

  @Test
  void aSplitTheStatisticsDoNotHaveIsNamedWithTheirSplits() {
    sample().write(dir);
    var e = assertThrows(IllegalArgumentException.class, () -> StatisticsModel.read(dir, "training"));
    assertEquals("split expected one of [train] (the splits of the statistics " + dir + "), got 'training'",
        e.getMessage());
  }

  @Test
  void aFileOfAnotherShapeIsAnErrorNamingTheFileAndTheKey() throws Exception {
    Path file = StatisticsModel.file(dir, "train");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "[1, 2]");
    var e = assertThrows(UncheckedIOException.class, () -> StatisticsModel.read(dir, "train"));
    assertTrue(e.getMessage().startsWith(file + " expected a statistics JSON file ({split, rows, features}), could not"
        + " read it: "), e.getMessage());
    Files.writeString(file, "{\n  \"split\" : \"train\",\n  \"row_count\" : 5,\n  \"features\" : [ ]\n}");
    e = assertThrows(UncheckedIOException.class, () -> StatisticsModel.read(dir, "train"));
    assertTrue(e.getMessage().startsWith(file + " expected a statistics JSON file") && e.getMessage().contains(
        "\"row_count\"") && e.getMessage().contains("known properties"), e.getMessage());
    Files.writeString(file, "{\n  \"split\" : \"train\",\n  \"rows\" : 5\n}");
    e = assertThrows(UncheckedIOException.class, () -> StatisticsModel.read(dir, "train"));
    assertTrue(e.getMessage().contains("statistics expected 'split' and 'features', got split train and features null"),
        e.getMessage());
    // A file cut short (as a write without the atomic rename could leave it).
    String whole = sample().toJson();
    Files.writeString(file, whole.substring(0, whole.length() / 2));
    e = assertThrows(UncheckedIOException.class, () -> StatisticsModel.read(dir, "train"));
    assertTrue(e.getMessage().startsWith(file + " expected a statistics JSON file"), e.getMessage());
  }
}
