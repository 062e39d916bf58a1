package org.millrace.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.analyze.LocalAnalysis;
import org.millrace.transform.graph.DenseBatch;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.spec.TransformParams;

class TransformExecutorTest {

  static ExecutorResult run(Path dir, List<Examples> spans, TransformParams params, List<String> beamArgs) {
    var in = new ExecutorInput<>(Map.of("examples", List.<Artifact>copyOf(spans)),
        Map.of("transform_graph", dir.resolve("graph"), "transformed_examples", dir.resolve("transformed")), params);
    return new TransformExecutor().execute(in, ExecutionContext.standalone("transform", dir.resolve("tmp"), beamArgs));
  }

  @Test
  void penguinsEndToEndOnDirectRunner(@TempDir Path dir) throws Exception {
    Examples ex = TestData.penguinsExamples(dir.resolve("raw"));
    TransformParams params = TestData.penguinsParams();
    ExecutorResult result = run(dir, List.of(ex), params, List.of());

    Graph g = Graph.read(dir.resolve("graph"));
    assertEquals(List.of("Adelie", "Chinstrap", "Gentoo"), g.labelVocabulary());
    assertEquals(org.millrace.api.model.Task.CLASSIFICATION, g.task());
    assertTrue(g.featureNames().containsAll(List.of("culmen_length_mm_zscore", "culmen_length_mm_is_missing",
        "island=Biscoe", "island=Dream", "island=Torgersen", "island=__oov_0__", "body_mass_g=bucket_0",
        "body_mass_g_log_log1p", "sex=MALE", "sex=FEMALE", "island_x_sex=hash_15")), g.featureNames().toString());
    assertEquals(g.featureDim(), ((Number) result.properties(TransformSpec.TRANSFORM_GRAPH).get("feature_dim")).intValue());

    // The Beam fit equals, to the bit, the in-JVM fit over the same record batches.
    Batch train = ExamplesIO.readAll(ex.splitDir("train"));
    var batches = new java.util.ArrayList<Batch>();
    ExamplesIO.forEachBatchInSplit(ex.splitDir("train"), batches::add);
    assertEquals(2, batches.size());
    Graph local = LocalAnalysis.fit(new GraphBuilder(params, train.schema()), batches);
    assertEquals(local.toJson(), g.toJson());

    // Hand-computed z-score constants: mean fill, then mean/std of the filled train column.
    var col = (Column.Doubles) train.column("culmen_length_mm");
    double sum = 0;
    int n = 0;
    for (int i = 0; i < col.size(); i++) {
      if (!col.isNull(i)) {
        sum += col.values()[i];
        n++;
      }
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < col.size(); i++) {
      double v = col.isNull(i) ? mean : col.values()[i];
      ss += (v - mean) * (v - mean);
    }
    var z = (org.millrace.transform.graph.GraphOp.ZScore) g.pipelines().get(0).ops().get(1);
    assertEquals(mean, z.mean(), 1e-12);
    assertEquals(Math.sqrt(ss / col.size()), z.std(), 1e-12);

    // Transformed examples: exactly features[d] + label, every split, rows kept; equal to serving rows.
    Path out = dir.resolve("transformed");
    for (String split : List.of("train", "eval")) {
      Batch t = ExamplesIO.readAll(out.resolve("Split-" + split));
      assertEquals(List.of("features", "label"), t.schema().names());
      assertEquals(List.of(g.featureDim()), t.schema().feature("features").shape());
      Batch raw = ExamplesIO.readAll(ex.splitDir(split));
      assertEquals(raw.rowCount(), t.rowCount());
      assertEquals((long) raw.rowCount(), result.properties(TransformSpec.TRANSFORMED_EXAMPLES).get("row_count_" + split));
      DenseBatch expected = g.apply(raw);
      // Parts may be reordered by the shard writer: compare as multisets of rows.
      assertEquals(rowSet(expected.features(), expected.labels(), g.featureDim()),
          rowSet(((Column.FloatVectors) t.column("features")).values(), toFloats((Column.Doubles) t.column("label")), g.featureDim()));
    }
    String stats = Files.readString(out.resolve(TransformExecutor.STATISTICS_FILE));
    assertTrue(stats.contains("\"train\"") && stats.contains("\"culmen_length_mm_zscore\""), stats);
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stats);
    var zf = tree.get("train").get("features").get(0);
    assertEquals("culmen_length_mm_zscore", zf.get("name").asText());
    assertEquals(0.0, zf.get("mean").asDouble(), 1e-6);
    assertEquals(1.0, zf.get("std").asDouble(), 1e-6);
  }

  static float[] toFloats(Column.Doubles d) {
    float[] f = new float[d.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) d.values()[i];
    }
    return f;
  }

  static java.util.Map<String, Integer> rowSet(float[] features, float[] labels, int dim) {
    var m = new java.util.TreeMap<String, Integer>();
    for (int r = 0; r < labels.length; r++) {
      float[] row = java.util.Arrays.copyOfRange(features, r * dim, (r + 1) * dim);
      m.merge(java.util.Arrays.toString(row) + "|" + labels[r], 1, Integer::sum);
    }
    return m;
  }

  @Test
  void servingRowsEqualBatchOnPenguins() {
    Batch all = TestData.penguins();
    Graph g = LocalAnalysis.fit(new GraphBuilder(TestData.penguinsParams(), all.schema()), List.of(all));
    DenseBatch d = g.apply(all);
    for (int r = 0; r < all.rowCount(); r++) {
      var row = new java.util.HashMap<>(all.row(r));
      // As a JSON client would send it: ints as Integer, missing keys absent.
      row.replaceAll((k, v) -> v instanceof Long l ? (Object) l.intValue() : v);
      row.values().removeIf(java.util.Objects::isNull);
      float[] one = g.applyRow(row);
      assertArrayEquals(java.util.Arrays.copyOfRange(d.features(), r * d.dim(), (r + 1) * d.dim()), one, 0f, "row " + r);
    }
  }
}
