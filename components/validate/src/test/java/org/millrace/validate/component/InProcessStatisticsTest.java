package org.millrace.validate.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;

/**
 * StatisticsGen on the embedded default (in process) writes the same statistics files, byte for
 * byte, as its Beam pipeline on the DirectRunner, for splits of several part files (so several
 * groups are read into accumulators and merged) with more distinct strings than the exact value
 * counts keep and more distinct numbers than the quantile sketch holds exactly, and an empty split.
 */
class InProcessStatisticsTest {
  private static final DataSchema SCHEMA = DataSchema.of(Feature.of("x", FeatureType.FLOAT, true),
      Feature.of("n", FeatureType.INT, true), Feature.of("s", FeatureType.STRING, true),
      Feature.of("b", FeatureType.BOOL, true));

  @TempDir
  Path dir;

  private static Batch batch(Random rnd, int rows) {
    var b = new BatchBuilder(SCHEMA, rows);
    for (int i = 0; i < rows; i++) {
      b.addRow(i % 31 == 0 ? null : rnd.nextGaussian() * 1e4, (long) rnd.nextInt(1_000_000),
          "v-" + rnd.nextInt(30_000), rnd.nextBoolean());
    }
    return b.build();
  }

  private Examples examples() {
    Path root = dir.resolve("examples");
    var rnd = new Random(3);
    for (int part = 0; part < 7; part++) {
      ExamplesIO.write(root.resolve("Split-train"), SCHEMA, part, List.of(batch(rnd, 4_000), batch(rnd, 1_500)));
    }
    for (int part = 0; part < 2; part++) {
      ExamplesIO.write(root.resolve("Split-eval"), SCHEMA, part, List.of(batch(rnd, 3_000)));
    }
    ExamplesIO.write(root.resolve("Split-test"), SCHEMA, 0, List.of());
    return new Examples(root.toString(), new HashMap<>(Examples.splitProperties(List.of("eval", "test", "train"))));
  }

  private static Map<String, String> run(Examples examples, Path out, List<String> beamArgs) throws Exception {
    new StatisticsGenExecutor().execute(new ExecutorInput<>(Map.of("examples", List.<Artifact>of(examples)),
        Map.of("statistics", out), new StatisticsGenExecutor.Params()),
        ExecutionContext.standalone("statistics", out.resolveSibling(out.getFileName() + "-tmp"), beamArgs));
    var files = new java.util.TreeMap<String, String>();
    for (String split : List.of("eval", "test", "train")) {
      Path f = out.resolve("Split-" + split).resolve("statistics.json");
      files.put(split, Files.readString(f));
    }
    return files;
  }

  @Test
  void inProcessWritesTheSameStatisticsAsTheDirectRunner() throws Exception {
    Examples examples = examples();
    assertTrue(ExamplesIO.parts(Path.of(examples.uri()).resolve("Split-train")).size() > 2);
    var embedded = run(examples, dir.resolve("embedded"), List.of());
    var direct = run(examples, dir.resolve("direct"), List.of("--runner=DirectRunner"));
    assertEquals(direct, embedded);
    assertTrue(embedded.get("train").contains("\"rows\" : 38500"), embedded.get("train"));
    assertTrue(embedded.get("test").contains("\"rows\" : 0"), embedded.get("test"));
    // Both ways with two threads in process, and one.
    assertEquals(embedded, run(examples, dir.resolve("one-thread"), List.of("--targetParallelism=1")));
  }
}
