package org.millrace.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.evaluator.beam.EvaluateModels;
import org.millrace.evaluator.metrics.MetricsCalculator;

/** The evaluation pipeline gives the same metrics on the SparkRunner (local) as on the DirectRunner. */
class SparkRunnerTest {
  @TempDir Path tmp;

  @Test
  void sparkMatchesDirect() throws Exception {
    var schema = DataSchema.of(Feature.of("g", FeatureType.STRING, false), Feature.of("label", FeatureType.INT, false),
        Feature.of("s", FeatureType.FLOAT, false));
    var batches = new ArrayList<Batch>();
    for (int part = 0; part < 4; part++) {
      var bb = new BatchBuilder(schema, 50);
      for (int i = 0; i < 50; i++) {
        int r = bb.newRow();
        bb.setString(0, r, i % 2 == 0 ? "x" : "y");
        bb.setLong(1, r, (i * 7 + part) % 3 == 0 ? 1 : 0);
        bb.setDouble(2, r, ((i * 13 + part * 5) % 100) / 100.0);
      }
      batches.add(bb.build());
    }
    Path split = tmp.resolve("Split-eval");
    ExamplesIO.write(split, schema, 0, batches.subList(0, 2));
    ExamplesIO.write(split, schema, 1, batches.subList(2, 4));
    Path model = ScoreColumnPredictor.write(tmp.resolve("m"), "s");
    List<List<String>> specs = List.of(List.of(), List.of("g"));
    var direct = EvaluateModels.run(List.of("--runner=DirectRunner"), split, List.of(model), specs, null, 1000,
        java.nio.file.Files.createDirectories(tmp.resolve("d"))).get(0);
    var spark = EvaluateModels.run(List.of("--runner=SparkRunner", "--sparkMaster=local[2]"), split, List.of(model),
        specs, null, 1000, java.nio.file.Files.createDirectories(tmp.resolve("s"))).get(0);
    assertEquals(direct.slices().keySet(), spark.slices().keySet());
    assertEquals(200L, spark.slices().get(SliceKeys.OVERALL).count());
    for (String k : direct.slices().keySet()) {
      var d = MetricsCalculator.compute(direct.slices().get(k)).metrics();
      var s = MetricsCalculator.compute(spark.slices().get(k)).metrics();
      assertEquals(d.keySet(), s.keySet());
      // merge order differs between runners: sums agree to rounding
      d.forEach((name, v) -> assertEquals(v, s.get(name), 1e-12, k + " " + name));
    }
  }
}
