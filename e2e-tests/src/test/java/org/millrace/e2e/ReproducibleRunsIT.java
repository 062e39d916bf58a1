package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: a wide numeric pipeline (min_max on every column, the Java backend) run twice at once as
 * two {@code ./millrace} processes with fresh roots, and once on the SparkRunner, gives byte-identical
 * artifacts from ExampleGen through the model's weights, and equal fingerprints in {@code runs show}.
 */
class ReproducibleRunsIT {
  private static final int ROWS = 6_000;
  private static final int COLUMNS = 400;

  /** Kept when the test fails, so that the differing artifacts can be read. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void wideRunsGiveTheSameBytesConcurrentlyAndOnSpark() throws Exception {
    Path csv = writeCsv(dir.resolve("wide.csv"));
    Path a = pipeline("a", csv, null);
    Path b = pipeline("b", csv, null);
    Path s = pipeline("s", csv, "[\"--runner=SparkRunner\", \"--sparkMaster=local[2]\"]");
    var cliA = new MillraceProcess(dir.resolve("a"));
    var cliB = new MillraceProcess(dir.resolve("b"));
    var cliS = new MillraceProcess(dir.resolve("s"));
    MillraceProcess.Result ra;
    MillraceProcess.Result rb;
    try (var runA = cliA.start("run", a.toString()); var runB = cliB.start("run", b.toString())) {
      ra = runA.await(Duration.ofMinutes(6));
      rb = runB.await(Duration.ofMinutes(6));
    }
    assertEquals(0, ra.code(), ra.toString());
    assertEquals(0, rb.code(), rb.toString());
    Map<String, String> hashesA = hashes(dir.resolve("a/root"));
    assertTrue(hashesA.keySet().stream().anyMatch(k -> k.startsWith("transform/transformed_examples/")), hashesA.toString());
    assertTrue(hashesA.keySet().stream().anyMatch(k -> k.startsWith("trainer/model/")), hashesA.toString());
    assertSameFiles("two concurrent runs", hashesA, hashes(dir.resolve("b/root")));

    MillraceProcess.Result rs = cliS.run(Duration.ofMinutes(6), "run", s.toString());
    assertEquals(0, rs.code(), rs.toString());
    assertSameFiles("the embedded default and the SparkRunner", hashesA, hashes(dir.resolve("s/root")));

    String fpA = fingerprints(cliA.run("runs", "show", ra.runId()));
    assertEquals(fpA, fingerprints(cliB.run("runs", "show", rb.runId())), "fingerprints of two concurrent runs");
    assertEquals(fpA, fingerprints(cliS.run("runs", "show", rs.runId())), "fingerprints on Direct and Spark (files kept in "
        + dir + ")");
  }

  private static void assertSameFiles(String what, Map<String, String> x, Map<String, String> y) {
    var differ = new ArrayList<String>();
    for (String k : x.keySet()) {
      if (!x.get(k).equals(y.get(k))) {
        differ.add(k);
      }
    }
    y.keySet().stream().filter(k -> !x.containsKey(k)).forEach(differ::add);
    assertTrue(differ.isEmpty(), what + ": artifact files expected byte-identical, these differ: " + differ);
  }

  /** The fingerprint section of {@code runs show}. */
  private static String fingerprints(MillraceProcess.Result show) {
    assertEquals(0, show.code(), show.toString());
    int at = show.out().indexOf("fingerprints:");
    assertTrue(at >= 0, show.toString());
    return show.out().substring(at);
  }

  /**
   * SHA-256 of every artifact file that holds data or weights, by path with the execution id left
   * out. Reports and run histories (timings) are left out, as the fingerprints leave out timings.
   */
  private static Map<String, String> hashes(Path root) throws Exception {
    var out = new TreeMap<String, String>();
    var md = java.security.MessageDigest.getInstance("SHA-256");
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        List<String> parts = new ArrayList<>();
        root.relativize(f).forEach(p -> parts.add(p.toString()));
        if (parts.size() < 4 || parts.stream().anyMatch(p -> p.startsWith("."))) {
          continue;
        }
        String node = parts.get(0);
        String output = parts.get(1);
        if (!List.of("ingest", "statistics", "schema", "transform", "trainer").contains(node) || output.equals("model_run")
            || f.getFileName().toString().endsWith(".html")) {
          continue;
        }
        parts.remove(2); // the execution id
        out.put(String.join("/", parts), HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  private Path pipeline(String name, Path csv, String beamArgs) throws Exception {
    Path home = Files.createDirectories(dir.resolve(name));
    var y = new StringBuilder();
    y.append("pipeline: wide\n");
    y.append("pipeline_root: ").append(home.resolve("root")).append('\n');
    if (beamArgs != null) {
      y.append("beam_pipeline_args: ").append(beamArgs).append('\n');
    }
    y.append("nodes:\n");
    y.append("  ingest:\n    component: ExampleGen\n    parameters:\n      input: ").append(csv).append('\n');
    y.append("      split_ratios: {train: 4, eval: 1}\n");
    y.append("  statistics:\n    component: StatisticsGen\n    inputs: {examples: ingest.examples}\n");
    y.append("  schema:\n    component: SchemaGen\n    inputs: {statistics: statistics.statistics}\n");
    y.append("  transform:\n    component: Transform\n    inputs: {examples: ingest.examples, schema: schema.schema}\n");
    y.append("    parameters:\n      label: {feature: label, task: classification}\n      features:\n");
    for (int c = 0; c < COLUMNS; c++) {
      y.append("        - {feature: f").append(c).append(", ops: [{min_max: {}}]}\n");
    }
    y.append("  trainer:\n    component: Trainer\n    inputs:\n      examples: transform.transformed_examples\n");
    y.append("      transform_graph: transform.transform_graph\n");
    y.append("    parameters:\n      hidden_layers: [{units: 16, activation: relu}]\n");
    y.append("      optimizer: {type: adam, learning_rate: 0.01}\n      epochs: 2\n      batch_size: 64\n      seed: 7\n");
    return Files.writeString(home.resolve("pipeline.yaml"), y.toString());
  }

  /** A seeded numeric CSV: COLUMNS features and a 3-class label that depends on them. */
  private static Path writeCsv(Path file) throws Exception {
    var rnd = new Random(21);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int c = 0; c < COLUMNS; c++) {
        w.write("f" + c + ",");
      }
      w.write("label\n");
      var sb = new StringBuilder();
      for (int r = 0; r < ROWS; r++) {
        sb.setLength(0);
        double sum = 0;
        for (int c = 0; c < COLUMNS; c++) {
          int v = rnd.nextInt(256);
          sum += c % 7 == 0 ? v : 0;
          sb.append(v).append(',');
        }
        sb.append(sum < 57 * 110 ? "a" : sum < 57 * 140 ? "b" : "c").append('\n');
        w.write(sb.toString());
      }
    }
    return file;
  }
}
