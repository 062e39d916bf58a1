package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.ExamplesIO;

/**
 * The embedded default (no runner named: ExampleGen in process, see {@code InProcess}) writes the
 * same files, byte for byte, and counts the same rows as the Beam pipeline on the DirectRunner:
 * a CSV file big enough to be cut into several ranges, with bad rows and missing labels
 * quarantined, with and without fixed shards; Parquet; a gzip file long enough that a parser call
 * checkpoints and resumes; and a bad row that fails the run with the same message.
 */
class InProcessIngestTest {
  private static final List<String> DIRECT = List.of("--runner=DirectRunner");
  private static final List<String> EMBEDDED = List.of();

  @TempDir
  Path dir;

  /** Rows of about 52 bytes: an id, two floats, a category, an int label; every 997th bad, every 1009th unlabelled. */
  private static void writeCsv(Path file, int rows, boolean gzip) throws IOException {
    var raw = Files.newOutputStream(file);
    var out = gzip ? new java.util.zip.GZIPOutputStream(raw, 1 << 16) {
      {
        def.setLevel(java.util.zip.Deflater.BEST_SPEED);
      }
    } : raw;
    try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
      w.write("id,x,y,category,note,label\n");
      var rnd = new java.util.Random(5);
      for (int i = 0; i < rows; i++) {
        String x = i % 997 == 0 ? "not-a-number" : String.valueOf(rnd.nextInt(100_000) / 100.0);
        String label = i % 1009 == 0 ? "" : String.valueOf(rnd.nextInt(3));
        w.write(i + "," + x + "," + rnd.nextGaussian() + ",cat-" + rnd.nextInt(9) + ",\"n, " + i % 13 + "\","
            + label + "\n");
      }
    }
  }

  private Map<String, Object> params(Path input) {
    var p = new HashMap<String, Object>();
    p.put("input", input.toString());
    p.put("bad_rows", "quarantine");
    p.put("max_rejected_fraction", 0.5);
    p.put("label", "label");
    p.put("missing_label", "quarantine");
    return p;
  }

  /** Each file under {@code root} (relative path) and its bytes' digest. */
  private static Map<String, String> files(Path root) throws Exception {
    var out = new TreeMap<String, String>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = new java.security.DigestInputStream(Files.newInputStream(p), md)) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        out.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(md.digest()));
      }
    }
    return out;
  }

  /** Runs both ways; asserts equal files and properties; returns the embedded run's properties. */
  private Map<String, Object> assertSameBothWays(String name, Map<String, Object> params) throws Exception {
    Path embedded = dir.resolve(name + "-embedded");
    Path direct = dir.resolve(name + "-direct");
    var a = ExampleGenRuns.execute(dir.resolve("work"), params, embedded, EMBEDDED)
        .properties(ExampleGenComponent.EXAMPLES);
    var b = ExampleGenRuns.execute(dir.resolve("work"), params, direct, DIRECT)
        .properties(ExampleGenComponent.EXAMPLES);
    assertEquals(b, a, name + ": properties");
    Map<String, String> filesA = files(embedded);
    assertTrue(filesA.keySet().stream().anyMatch(f -> f.startsWith("Split-train/part-")), name + ": " + filesA);
    assertEquals(files(direct), filesA, name + ": the files written");
    return a;
  }

  @Test
  void aCsvFileCutIntoRangesWithQuarantinesIsWrittenTheSameBothWays() throws Exception {
    Path csv = dir.resolve("big.csv");
    writeCsv(csv, 800_000, false); // ~41 MB: more than two 16 MB ranges
    var props = assertSameBothWays("csv", params(csv));
    assertEquals(800_000L, props.get("rows_read"));
    // Rows i % 997 == 0 are bad (803) and rows i % 1009 == 0 unlabelled (793); row 0 is both and
    // counts as unlabelled, the label being checked first.
    assertEquals(802L, props.get("rejected_rows"));
    assertEquals(793L, props.get("missing_label_quarantined"));
    // Several ranges were parsed: one part per range and split.
    assertTrue(ExamplesIO.parts(dir.resolve("csv-embedded/Split-train")).size() >= 2);
    List<String> quarantine = Files.readAllLines(dir.resolve("csv-embedded").resolve(ExampleGenExecutor.QUARANTINE));
    assertEquals(802 + 793, quarantine.size());
    // The bad rows of the first chunk first (row 997 is line 999), then its unlabelled rows (row 0).
    assertTrue(quarantine.get(0).contains("\"line\":999,"), quarantine.get(0));

    var sharded = params(csv);
    sharded.put("shards", 3);
    sharded.put("split_by", "category");
    assertSameBothWays("sharded", sharded);
    assertEquals(3, ExamplesIO.parts(dir.resolve("sharded-embedded/Split-train")).size());
  }

  @Test
  void parquetIsWrittenTheSameBothWays() throws Exception {
    var props = assertSameBothWays("parquet", Map.of("input", ParquetInputTest.FLIGHTS.toString(), "batch_size", 300));
    assertEquals(2000L, props.get("rows_read"));
  }

  @Test
  void aGzipFileLongerThanOneCallResumesAndIsWrittenTheSameBothWays() throws Exception {
    Path gz = dir.resolve("long.csv.gz");
    // ~76 MB once decompressed: one range (gzip cannot be cut), more than one call's 64 MB.
    writeCsv(gz, 1_500_000, true);
    var props = assertSameBothWays("gzip", params(gz));
    assertEquals(1_500_000L, props.get("rows_read"));
    assertTrue(ExamplesIO.parts(dir.resolve("gzip-embedded/Split-train")).size() >= 2,
        "a checkpoint closes the call's parts and the resumed call writes new ones");
  }

  @Test
  void aBadRowFailsWithTheSameMessageBothWays() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "a,b\n1,x\n2,3\nfour,4\n");
    var params = Map.<String, Object>of("input", csv.toString(), "schema_file", schema().toString());
    var embedded = assertThrows(IllegalArgumentException.class,
        () -> ExampleGenRuns.execute(dir.resolve("w"), params, dir.resolve("e"), EMBEDDED));
    var direct = assertThrows(IllegalArgumentException.class,
        () -> ExampleGenRuns.execute(dir.resolve("w"), params, dir.resolve("d"), DIRECT));
    assertEquals(direct.getMessage(), embedded.getMessage());
    assertTrue(embedded.getMessage().startsWith(csv + " line 4: column 'a' (1) expected int, got 'four'"),
        embedded.getMessage());
  }

  @Test
  void remotePathsAreToldByBeamsSchemeRule() {
    for (String remote : List.of("hdfs:/data/x.csv", "hdfs://nn:8020/data/*.csv", "s3a://bucket/k.csv", "gs://b/x")) {
      assertTrue(ExampleGenExecutor.remote(remote), remote);
    }
    for (String local : List.of("/tmp/x.csv", "data/x.csv", "file:///tmp/x.csv", "FILE:///tmp/x.csv", "x:y.csv")) {
      assertTrue(!ExampleGenExecutor.remote(local), local);
    }
  }

  @Test
  void aMisspelledBeamOptionFailsInProcessToo() {
    var params = Map.<String, Object>of("input", ExampleGenExecutorTest.PENGUINS.toString());
    var e = assertThrows(IllegalArgumentException.class,
        () -> ExampleGenRuns.execute(dir.resolve("w"), params, dir.resolve("o"), List.of("--tempLocaton=/tmp/x")));
    assertTrue(e.getMessage().startsWith("beam_pipeline_args expected valid Beam pipeline options"), e.getMessage());
  }

  private Path schema() throws IOException {
    Path s = dir.resolve("schema.yaml");
    org.millrace.api.data.DataSchema.of(
        org.millrace.api.data.Feature.of("a", org.millrace.api.data.FeatureType.INT, false),
        org.millrace.api.data.Feature.of("b", org.millrace.api.data.FeatureType.STRING, false)).writeYaml(s);
    return s;
  }
}
