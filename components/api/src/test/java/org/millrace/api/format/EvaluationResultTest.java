package org.millrace.api.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** {@code evaluation.json} has one owner, and its bytes are pinned by a golden file. */
class EvaluationResultTest {
  @TempDir
  Path dir;

  /** A binary classifier's slices with curves and a NaN metric, a baseline, a suppressed slice. */
  static EvaluationResult sample() {
    var metrics = new LinkedHashMap<String, Double>();
    metrics.put("log_loss", 0.3466);
    metrics.put("accuracy", 0.875);
    metrics.put("auc", 0.9375);
    metrics.put("example_count", 8.0);
    metrics.put("precision", Double.NaN);
    var overall = new SliceMetrics(metrics, List.of(new double[] {0, 0}, new double[] {0.25, 1}, new double[] {1, 1}),
        List.of(new double[] {1, 0.8}), List.of(new double[] {0.125, 0.0, 2.5}),
        List.of(new double[] {3, 1}, new double[] {0, 4}));
    var dream = new SliceMetrics(Map.of("accuracy", 1.0, "example_count", 3.0), List.of(), List.of(), List.of(),
        List.of(new double[] {3}));
    var base = new SliceMetrics(Map.of("accuracy", 0.75, "example_count", 8.0), List.of(), List.of(), List.of(),
        List.of());
    var slices = new LinkedHashMap<String, SliceMetrics>();
    slices.put("island=Dream", dream);
    slices.put("Overall", overall);
    return new EvaluationResult("/root/trainer/model/7", "/root/trainer/model/3", "eval", 2, slices,
        Map.of("Overall", base), Map.of("island=Torgersen", 1L));
  }

  @Test
  void writesTheGoldenFileByteForByte() throws Exception {
    sample().write(dir);
    Golden.assertSameBytes(Golden.dir("evaluation").resolve(EvaluationResult.FILE), dir.resolve(EvaluationResult.FILE));
  }

  @Test
  void theGoldenFileReadsBackAsTheInstance() {
    EvaluationResult read = EvaluationResult.read(Golden.dir("evaluation"));
    assertEquals(sample(), read);
    assertTrue(read.slices().get("Overall").metrics().get("precision").isNaN());
    assertEquals(List.of("Overall", "island=Dream"), List.copyOf(read.slices().keySet()));
    assertEquals(List.of("Overall", "island=Dream"), List.copyOf(sample().slices().keySet()), "slices in key order");
    // The points are compared by value: a changed point is another result.
    var other = new SliceMetrics(Map.of("accuracy", 1.0, "example_count", 3.0), List.of(), List.of(), List.of(),
        List.of(new double[] {2}));
    assertNotEquals(read.slices().get("island=Dream"), other);
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    var e = assertThrows(UncheckedIOException.class, () -> EvaluationResult.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(EvaluationResult.FILE) + " expected an evaluation JSON file"
        + " ({model, baseline_model, split, min_slice_size, slices, baseline_slices, suppressed}), but there is no"
        + " such file"), e.getMessage());
  }

  @Test
  void aFileOfAnotherShapeIsAnErrorNamingTheFileAndTheField() throws Exception {
    Path file = dir.resolve(EvaluationResult.FILE);
    Files.writeString(file, "{\n  \"model\" : \"/m/1\",\n  \"min_slice_size\" : \"two\"\n}");
    var e = assertThrows(UncheckedIOException.class, () -> EvaluationResult.read(dir));
    assertTrue(e.getMessage().startsWith(file + " expected an evaluation JSON file") && e.getMessage().contains("\"two\"")
        && e.getMessage().contains("min_slice_size") && e.getMessage().contains("line: 3"), e.getMessage());
    Files.writeString(file, "{\"model\": \"/m/1\", \"split\": \"eval\", \"min_slice_size\": 1}");
    e = assertThrows(UncheckedIOException.class, () -> EvaluationResult.read(dir));
    assertTrue(e.getMessage().contains("evaluation expected 'slices', 'baseline_slices' and 'suppressed'"),
        e.getMessage());
  }
}
