package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.statistics.WrittenStatistics;
import org.millrace.ingest.ExampleGenExecutor;
import org.millrace.ingest.ExampleGenParams;
import org.millrace.validate.component.StatisticsGenExecutor;

/**
 * ExampleGen in process, told that a StatisticsGen consumes its examples, computes each split's
 * statistics from the batches it writes; StatisticsGen then takes them instead of reading the parts,
 * and writes the same statistics, byte for byte, as StatisticsGen reading the parts on Beam's
 * DirectRunner: over several input files (so several parse calls merge), bad rows quarantined,
 * more distinct strings than the counts keep, fixed shards, and an empty split (read, as nothing
 * was written to it). StatisticsGen does not read the parts of the splits it takes (they are
 * overwritten with zeros first). The launcher's rename of the artifact's directory keeps them; a part
 * replaced since does not. StatisticsGen takes them: they are held no longer.
 */
class WrittenStatisticsTest {
  @TempDir
  Path dir;

  @Test
  void statisticsWrittenWithTheExamplesAreThoseReadFromTheParts() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    var rnd = new Random(9);
    for (int f = 0; f < 3; f++) {
      var csv = new StringBuilder("id,x,word,n,flag,same\n");
      for (int r = 0; r < 9_000; r++) {
        csv.append(f * 9_000 + r).append(',').append(r % 53 == 0 ? "" : String.format("%.3f", rnd.nextGaussian() * 100))
            .append(',').append("w").append(rnd.nextInt(r % 2 == 0 ? 40 : 25_000)).append(',')
            .append(r % 97 == 5 ? "not-a-number" : String.valueOf(rnd.nextInt(1_000))).append(',')
            .append(rnd.nextBoolean()).append(",k\n");
      }
      Files.writeString(data.resolve("part-" + f + ".csv"), csv);
    }
    var common = Map.<String, Object>of("input", data.resolve("*.csv").toString(), "bad_rows", "quarantine",
        "schema_file", schema().toString(), "batch_size", 1_000);
    var sharded = new HashMap<String, Object>(common);
    sharded.put("shards", 3);
    sharded.put("split_by", "same"); // every row in one split: the others are empty
    sharded.put("split_ratios", Map.of("a", 1, "b", 1, "c", 1));
    int held = 0;
    for (Map<String, Object> params : List.of(common, sharded)) {
      Path run = Files.createDirectories(dir.resolve("run-" + held));
      Path temp = run.resolve(".tmp-examples");
      var ctx = ExecutionContext.standalone("ingest", run.resolve("scratch"), List.of(),
          Map.of("examples", Set.of("StatisticsGen")));
      var result = new ExampleGenExecutor().execute(new ExecutorInput<>(Map.<String, List<Artifact>>of(),
          Map.of("examples", temp), ParameterBinder.bind(ExampleGenParams.class, params)), ctx);
      Map<String, Object> props = result.properties(org.millrace.ingest.ExampleGenComponent.EXAMPLES);
      assertTrue((long) props.get("rejected_rows") > 0, props.toString());
      // The launcher publishes the output by renaming its directory.
      Path examplesDir = Files.move(temp, run.resolve("examples"));
      var examples = new Examples(examplesDir.toString(), new HashMap<>(props));
      for (String split : examples.splitNames()) {
        boolean written = (long) props.get("row_count_" + split) > 0;
        assertEquals(written, WrittenStatistics.find(examples.splitDir(split)) != null, split + " " + props);
        held += written ? 1 : 0;
      }
      var read = statistics(examples, run.resolve("read"), List.of("--runner=DirectRunner"));
      // The parts of the splits held, overwritten in place with zeros (same file, size and time): StatisticsGen in
      // process takes the held statistics and never reads them (reading them would fail).
      for (String s : examples.splitNames()) {
        if (WrittenStatistics.find(examples.splitDir(s)) != null) {
          for (Path p : ExamplesIO.parts(examples.splitDir(s))) {
            var time = Files.getLastModifiedTime(p);
            Files.write(p, new byte[(int) Files.size(p)]);
            Files.setLastModifiedTime(p, time);
          }
        }
      }
      var taken = statistics(examples, run.resolve("taken"), List.of());
      assertEquals(read, taken);
      for (String s : examples.splitNames()) {
        assertNull(WrittenStatistics.find(examples.splitDir(s)), s + ": held after StatisticsGen took it");
      }
    }
    assertEquals(3, held, "splits whose statistics were held: train and eval, then the one split with rows");

    // A part replaced after ExampleGen (a new file of the same name and size): its split is read again.
    Path split = dir.resolve("run-0/examples/Split-train");
    WrittenStatistics.remember(split, new org.millrace.api.format.StatisticsModel("train", 0, List.of()));
    assertNotNull(WrittenStatistics.find(split));
    Path part = ExamplesIO.parts(split).get(0);
    byte[] bytes = Files.readAllBytes(part);
    Files.delete(part);
    Files.write(part, bytes);
    assertNull(WrittenStatistics.find(split), "the statistics of a split whose part was replaced");
  }

  private Path schema() throws Exception {
    return Files.writeString(dir.resolve("schema.yaml"), """
        features:
        - {name: id, type: int}
        - {name: x, type: float}
        - {name: word, type: string}
        - {name: n, type: int}
        - {name: flag, type: bool}
        - {name: same, type: string}
        """);
  }

  /** StatisticsGen's statistics.json of each split, by split. */
  private static Map<String, String> statistics(Examples examples, Path out, List<String> beamArgs) throws Exception {
    new StatisticsGenExecutor().execute(new ExecutorInput<>(Map.of("examples", List.<Artifact>of(examples)),
        Map.of("statistics", out), new StatisticsGenExecutor.Params()),
        ExecutionContext.standalone("statistics", out.resolveSibling(out.getFileName() + "-scratch"), beamArgs));
    var files = new TreeMap<String, String>();
    for (String split : examples.splitNames()) {
      files.put(split, Files.readString(out.resolve("Split-" + split).resolve("statistics.json")));
    }
    return files;
  }
}
