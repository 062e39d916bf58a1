package org.millrace.transform.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

class GraphTest {

  static Graph sample() {
    var inputs = List.of(new InputFeature("x", FeatureType.FLOAT), new InputFeature("island", FeatureType.STRING),
        new InputFeature("n", FeatureType.INT));
    var pipelines = List.of(
        new FeaturePipeline("x", List.of("x"), false, List.of(
            new GraphOp.FillMissing("mean", 2.0, null, true), new GraphOp.ZScore(2.0, 4.0))),
        new FeaturePipeline("island", List.of("island"), true, List.of(
            new GraphOp.Vocabulary(List.of("Biscoe", "Dream"), 1), new GraphOp.OneHot())),
        new FeaturePipeline("n", List.of("n"), false, List.of(
            new GraphOp.FillMissing("constant", 0.0, null, false), new GraphOp.Clip(null, 10.0),
            new GraphOp.Bucketize(List.of(1.0, 5.0)), new GraphOp.OneHot())),
        new FeaturePipeline("n_log", List.of("n"), false, List.of(
            new GraphOp.FillMissing("constant", 0.0, null, false), new GraphOp.Log1p())),
        new FeaturePipeline("island_x_n", List.of("island", "n"), true, List.of(new GraphOp.Hash(4))),
        new FeaturePipeline("n_id", List.of("n"), true, List.of(new GraphOp.Vocabulary(List.of("3"), 0))));
    var label = new LabelSpec("species", org.millrace.api.model.Task.CLASSIFICATION, FeatureType.STRING, List.of("Adelie", "Gentoo"));
    return new Graph(inputs, pipelines, label, "error");
  }

  @Test
  void featureNamesAndHandComputedValues() {
    Graph g = sample();
    assertEquals(List.of("x_zscore", "x_is_missing", "island=Biscoe", "island=Dream", "island=__oov_0__",
        "n=bucket_0", "n=bucket_1", "n=bucket_2", "n_log_log1p", "island_x_n_id", "n_id_id"), g.featureNames());
    var row = new HashMap<String, Object>();
    row.put("x", 10.0);
    row.put("island", "Dream");
    row.put("n", 3L);
    float[] v = g.applyRow(row);
    long h = Math.floorMod(GraphOp.fnv1a("Dream x 3"), 4L);
    assertArrayEquals(new float[] {2f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, (float) Math.log1p(3), h, 0f}, v);

    var missing = new HashMap<String, Object>();
    missing.put("island", "Torgersen");  // unseen -> OOV, never a crash
    missing.put("n", 42);                // JSON integer, clipped to 10 -> bucket 2
    float[] m = g.applyRow(missing);
    assertArrayEquals(new float[] {0f, 1f, 0f, 0f, 1f, 0f, 0f, 1f, (float) Math.log1p(42),
        Math.floorMod(GraphOp.fnv1a("Torgersen x 42"), 4L), -1f}, m);
  }

  @Test
  void batchEqualsRowByRowExactly() {
    Graph g = sample();
    var schema = DataSchema.of(Feature.of("x", FeatureType.FLOAT, true), Feature.of("island", FeatureType.STRING, true),
        Feature.of("n", FeatureType.INT, true), Feature.of("species", FeatureType.STRING, true));
    var b = new BatchBuilder(schema, 8);
    b.addRow(1.5, "Biscoe", 0L, "Adelie");
    b.addRow(null, null, null, "Gentoo");
    b.addRow(-3.25, "Unknown", 7L, "Adelie");
    b.addRow(1e6, "Dream", 3L, "Gentoo");
    var batch = b.build();
    DenseBatch d = g.apply(batch);
    assertEquals(4, d.rows());
    assertEquals(g.featureDim(), d.dim());
    for (int r = 0; r < d.rows(); r++) {
      float[] one = g.applyRow(batch.row(r));
      for (int j = 0; j < d.dim(); j++) {
        assertEquals(Float.floatToIntBits(one[j]), Float.floatToIntBits(d.features()[r * d.dim() + j]), "row " + r + " col " + j);
      }
    }
    assertArrayEquals(new float[] {0f, 1f, 0f, 1f}, d.labels());
  }

  @Test
  void noLabelColumnGivesNullLabels() {
    var schema = DataSchema.of(Feature.of("x", FeatureType.FLOAT, true), Feature.of("island", FeatureType.STRING, true),
        Feature.of("n", FeatureType.INT, true));
    var b = new BatchBuilder(schema, 1);
    b.addRow(1.0, "Dream", 1L);
    assertNull(sample().apply(b.build()).labels());
  }

  @Test
  void jsonRoundTripAndFile(@TempDir Path dir) {
    Graph g = sample();
    String json = g.toJson();
    assertTrue(json.contains("\"format_version\" : 1"), json);
    assertTrue(json.contains("\"island=Biscoe\""), json);
    Graph back = Graph.fromJson(json);
    assertEquals(g, back);
    assertEquals(json, back.toJson());
    g.write(dir);
    assertEquals(g, Graph.read(dir));
    assertEquals(g, Graph.read(dir.resolve(Graph.FILE_NAME)));
  }

  /** Format v1 is frozen: a graph written by this version must read back identically forever. */
  @Test
  void goldenFormatV1() throws Exception {
    Path golden = Path.of("src/test/resources/golden/transform_graph_v1.json");
    if (Boolean.getBoolean("millrace.regenerateGolden")) {
      java.nio.file.Files.writeString(golden, sample().toJson());
    }
    String text = java.nio.file.Files.readString(golden);
    assertEquals(sample(), Graph.fromJson(text));
    assertEquals(text, Graph.fromJson(text).toJson());
  }

  @Test
  void labelEncoding() {
    Graph g = sample();
    assertEquals(1f, g.encodeLabel("Gentoo"));
    var e = assertThrows(IllegalArgumentException.class, () -> g.encodeLabel("Chinstrap"));
    assertEquals("label 'species' expected one of the classes [Adelie, Gentoo], got 'Chinstrap' (unseen when the graph was fitted)",
        e.getMessage());
    var reg = new Graph(List.of(), List.of(), new LabelSpec("y", org.millrace.api.model.Task.REGRESSION, FeatureType.FLOAT, List.of()), "error");
    assertEquals(2.5f, reg.encodeLabel(2.5));
    assertEquals(org.millrace.api.model.Task.REGRESSION, reg.task());
    assertEquals(0, reg.featureDim());
  }

  @Test
  void badValuesAndBadGraphs() {
    Graph g = sample();
    Map<String, Object> row = new HashMap<>(Map.of("x", "abc", "island", "Dream", "n", 1));
    var e = assertThrows(IllegalArgumentException.class, () -> g.applyRow(row));
    assertEquals("feature 'x' expected a number (for 'x'), got String 'abc'", e.getMessage());
    row.put("x", Double.NaN);
    e = assertThrows(IllegalArgumentException.class, () -> g.applyRow(row));
    assertTrue(e.getMessage().startsWith("feature 'x' expected a finite number, got NaN"), e.getMessage());
    var noFill = new Graph(List.of(new InputFeature("x", FeatureType.FLOAT)),
        List.of(new FeaturePipeline("x", List.of("x"), false, List.of(new GraphOp.ZScore(0, 1)))), null, "missing");
    e = assertThrows(IllegalArgumentException.class, () -> noFill.applyRow(Map.of("x", Double.NaN)));
    assertTrue(e.getMessage().startsWith("feature 'x' expected a value, got missing"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new FeaturePipeline("s", List.of("s"), true,
        List.of(new GraphOp.ZScore(0, 1))));
    assertTrue(e.getMessage().startsWith("op zscore (ops[0]) of feature 's' expected a numeric value, got a string"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Graph.fromJson("{\"format\":\"millrace.transform_graph\",\"format_version\":9}"));
    assertTrue(e.getMessage().startsWith("transform graph expected format_version 1, got 9"), e.getMessage());
  }
}
