package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterBinder;

class ExampleGenExecutorTest {
  @TempDir
  Path dir;

  static final Path PENGUINS = Path.of("src/test/resources/penguins/penguins.csv");

  ExecutorResult run(Map<String, Object> params, Path out, List<String> beamArgs) throws Exception {
    return ExampleGenRuns.execute(dir, params, out, beamArgs);
  }

  Map<String, Object> props(ExecutorResult r) {
    return r.properties(ExampleGenComponent.EXAMPLES);
  }

  @Test
  void ingestsPenguinsIntoDeterministicSplits() throws Exception {
    Path out = dir.resolve("out");
    var r = props(run(Map.of("input", PENGUINS.toString()), out, List.of()));
    long train = (Long) r.get("row_count_train");
    long eval = (Long) r.get("row_count_eval");
    assertEquals(344L, train + eval);
    assertEquals(344L, r.get("rows_read"));
    assertEquals(0L, r.get("rejected_rows"));
    assertTrue(train > 200 && eval > 90, "about 2:1, got " + train + ":" + eval);
    assertEquals("eval,train", r.get("split_names"));
    DataSchema schema = ExamplesIO.schema(out.resolve("Split-train"));
    assertEquals(List.of("species", "island", "culmen_length_mm", "culmen_depth_mm", "flipper_length_mm",
        "body_mass_g", "sex"), schema.names());
    assertEquals(FeatureType.FLOAT, schema.feature("culmen_length_mm").type());
    assertEquals(FeatureType.INT, schema.feature("body_mass_g").type());
    assertEquals(FeatureType.STRING, schema.feature("sex").type());
    Batch all = ExamplesIO.readAll(out.resolve("Split-eval"));
    assertEquals(eval, all.rowCount());
    assertTrue(all.column("sex").nulls().cardinality() > 0, "empty fields are missing values");

    Path again = dir.resolve("again");
    var r2 = props(run(Map.of("input", PENGUINS.toString()), again, List.of()));
    assertEquals(r.get("row_count_train"), r2.get("row_count_train"));
    assertEquals(sorted(ExamplesIO.readAll(out.resolve("Split-train"))),
        sorted(ExamplesIO.readAll(again.resolve("Split-train"))));
  }

  @Test
  void splitByColumnKeepsAKeyInOneSplit() throws Exception {
    Path out = dir.resolve("out");
    run(Map.of("input", PENGUINS.toString(), "split_by", "island"), out, List.of());
    for (String split : List.of("train", "eval")) {
      Batch b = ExamplesIO.readAll(out.resolve("Split-" + split));
      for (int i = 0; i < b.rowCount(); i++) {
        String island = (String) b.row(i).get("island");
        Batch other = ExamplesIO.readAll(out.resolve("Split-" + (split.equals("train") ? "eval" : "train")));
        for (int j = 0; j < other.rowCount(); j++) {
          assertTrue(!island.equals(other.row(j).get("island")), island + " is in both splits");
        }
        break;
      }
    }
  }

  @Test
  void aSplitThatGetsNoRowsStillHasTheSchemaAndZeroRows() throws Exception {
    // One row: it lands in one split, the other is empty but readable.
    Path file = csv("one.csv", "a,b\n1,x\n");
    Path out = dir.resolve("one");
    var props = props(run(Map.of("input", file.toString()), out, List.of()));
    long train = (Long) props.get("row_count_train");
    long eval = (Long) props.get("row_count_eval");
    assertEquals(1, train + eval);
    for (String split : List.of("train", "eval")) {
      Batch b = ExamplesIO.readAll(out.resolve("Split-" + split));
      assertEquals(split.equals("train") ? train : eval, b.rowCount());
      assertEquals(List.of("a", "b"), b.schema().names());
    }
  }

  Path csv(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  @Test
  void eachBadRowKindFailsWithFileLineColumnAndValue() throws Exception {
    Path fields = csv("fields.csv", "a,b\n1,2\n3\n");
    assertEquals(fields.toAbsolutePath() + " line 3: expected 2 fields [a, b], got 1. Fix the data, or set bad_rows:"
        + " quarantine to set such rows aside.", fail(fields));
    Path number = csv("number.csv", "a,b\n1,2\n3,4\nx,5\n");
    Map<String, Object> withSample = Map.of("input", number.toString(), "infer_sample_rows", 2);
    var e = assertThrows(IllegalArgumentException.class, () -> run(withSample, dir.resolve("o2"), List.of()));
    assertEquals(number.toAbsolutePath() + " line 4: column 'a' (1) expected int, got 'x' (schema inferred from "
        + number.toAbsolutePath() + "). Fix the data, or set bad_rows: quarantine to set such rows aside.", e.getMessage());
    Path utf = dir.resolve("utf.csv");
    Files.write(utf, new byte[] {'a', ',', 'b', '\n', '1', ',', (byte) 0xFF, '\n'});
    assertEquals(utf.toAbsolutePath() + " line 2: column 'b' (2) expected UTF-8 text, got invalid byte 0xFF at byte offset 6"
        + " (byte 3 of the record). Fix the data, or set bad_rows: quarantine to set such rows aside.", fail(utf));
  }

  String fail(Path file) {
    return assertThrows(IllegalArgumentException.class,
        () -> run(Map.of("input", file.toString()), dir.resolve("o-" + file.getFileName()), List.of())).getMessage();
  }

  @Test
  void quarantineKeepsEveryRejectedRowWithItsReason() throws Exception {
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 40; i++) {
      sb.append(i).append(',').append(i * 2).append('\n');
    }
    sb.append("oops\n").append("x,1\n");
    Path file = csv("q.csv", sb.toString());
    Path out = dir.resolve("out");
    var r = props(run(Map.of("input", file.toString(), "bad_rows", "quarantine", "infer_sample_rows", 10), out, List.of()));
    assertEquals(42L, r.get("rows_read"));
    assertEquals(2L, r.get("rejected_rows"));
    assertEquals(40L, (Long) r.get("row_count_train") + (Long) r.get("row_count_eval"));
    List<String> lines = Files.readAllLines(out.resolve("quarantine/rejected.jsonl"));
    assertEquals(2, lines.size());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"line\":42") && l.contains("expected 2 fields")
        && l.contains("\"row\":\"oops\"")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"line\":43") && l.contains("column 'a' (1) expected int, got 'x'")),
        lines.toString());

    // Several files with bad rows: the quarantine lists them by file, then line, and the bundles'
    // temporary quarantine files are gone.
    Path lake = Files.createDirectories(dir.resolve("lake"));
    for (String name : List.of("b.csv", "a.csv")) {
      var text = new StringBuilder("a,b\n");
      for (int i = 0; i < 300; i++) {
        text.append(i % 7 == 3 ? "bad," + i : i + "," + i).append('\n');
      }
      Files.writeString(lake.resolve(name), text);
    }
    Path many = dir.resolve("many");
    var rm = props(run(Map.of("input", lake + "/*.csv", "bad_rows", "quarantine", "infer_sample_rows", 3,
        "max_rejected_fraction", 0.5), many, List.of()));
    List<String> quarantined = Files.readAllLines(many.resolve("quarantine/rejected.jsonl"));
    assertEquals(rm.get("rejected_rows"), (long) quarantined.size());
    assertEquals(2 * 43, quarantined.size());
    var expected = new java.util.ArrayList<String>();
    for (String name : List.of("a.csv", "b.csv")) {
      for (int i = 3; i < 300; i += 7) {
        expected.add(lake.resolve(name) + ":" + (i + 2));
      }
    }
    var got = quarantined.stream().map(l -> l.replaceAll(".*\"file\":\"([^\"]*)\",\"line\":(\\d+).*", "$1:$2"))
        .toList();
    assertEquals(expected, got);
    try (var leftovers = Files.list(many)) {
      assertEquals(List.of(), leftovers.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".temp"))
          .toList());
    }

    var e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", file.toString(), "bad_rows",
        "quarantine", "infer_sample_rows", 10, "max_rejected_fraction", 0.01), dir.resolve("o3"), List.of()));
    assertTrue(e.getMessage().startsWith("rejected rows expected at most 1.0% (max_rejected_fraction 0.01), got 2 of 42"),
        e.getMessage());
  }

  @Test
  void rollingWindowReadsSeveralSpansAndRecordsThem() throws Exception {
    for (int span = 1; span <= 3; span++) {
      Path f = dir.resolve("lake/span-" + span + "/data.csv");
      Files.createDirectories(f.getParent());
      Files.writeString(f, "a,b\n" + span + ",1\n" + span + ",2\n" + span + ",3\n");
    }
    var r = props(run(Map.of("input", dir.resolve("lake") + "/span-{SPAN}/data.csv", "rolling_window", 2),
        dir.resolve("out"), List.of()));
    assertEquals(3L, r.get("span"));
    assertEquals("2,3", r.get("spans"));
    assertEquals(6L, r.get("rows_read"));
    var both = assertThrows(org.millrace.api.spec.ParameterException.class, () -> ParameterBinder.bind(
        ExampleGenParams.class, Map.of("input", "x", "span", 1, "rolling_window", 2)));
    assertEquals("span, span_range and rolling_window expected at most one, got 2", both.getMessage());
  }

  @Test
  void jsonLinesAreIngestedAndTheirBadRowsQuarantined() throws Exception {
    var sb = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      sb.append("{\"id\": ").append(i).append(", \"x\": ").append(i * 0.5).append(", \"name\": \"n").append(i)
          .append("\", \"ok\": ").append(i % 2 == 0).append("}\n");
    }
    sb.append("{\"id\": 30, \"x\": null}\n");
    sb.append("not json\n");
    sb.append("{\"id\": 32, \"colour\": \"red\"}\n");
    sb.append("{\"id\": \"thirty-three\"}\n");
    Path file = csv("data.jsonl", sb.toString());
    Path out = dir.resolve("out");
    var r = props(run(Map.of("input", file.toString(), "bad_rows", "quarantine", "max_rejected_fraction", 0.5,
        "infer_sample_rows", 30), out,
        List.of()));
    assertEquals(34L, r.get("rows_read"));
    assertEquals(3L, r.get("rejected_rows"));
    DataSchema schema = ExamplesIO.schema(out.resolve("Split-train"));
    assertEquals(List.of("id", "x", "name", "ok"), schema.names());
    assertEquals(FeatureType.BOOL, schema.feature("ok").type());
    List<String> rejected = Files.readAllLines(out.resolve("quarantine/rejected.jsonl"));
    assertTrue(rejected.stream().anyMatch(l -> l.contains("\"line\":32") && l.contains("expected a JSON object, got invalid JSON")),
        rejected.toString());
    assertTrue(rejected.stream().anyMatch(l -> l.contains("field 'colour' expected one of [id, x, name, ok], got an unknown field")),
        rejected.toString());
    assertTrue(rejected.stream().anyMatch(l -> l.contains("column 'id' (1) expected int, got 'thirty-three'")),
        rejected.toString());
  }

  @Test
  void arrowFilesAreIngested() throws Exception {
    var schema = DataSchema.of(org.millrace.api.data.Feature.of("delay", FeatureType.INT, true),
        org.millrace.api.data.Feature.of("time", FeatureType.FLOAT, true),
        org.millrace.api.data.Feature.of("origin", FeatureType.STRING, true));
    var b = new org.millrace.api.data.BatchBuilder(schema, 100);
    for (int i = 0; i < 100; i++) {
      b.addRow(i % 10 == 0 ? null : (long) i, i * 0.25, "o" + (i % 7));
    }
    Path lake = dir.resolve("lake");
    ExamplesIO.write(lake, schema, 0, List.of(b.build().slice(0, 60), b.build().slice(60, 100)));
    Path out = dir.resolve("out");
    var r = props(run(Map.of("input", lake.resolve("part-00000.arrow").toString()), out, List.of()));
    assertEquals(100L, r.get("rows_read"));
    assertEquals(100L, (Long) r.get("row_count_train") + (Long) r.get("row_count_eval"));
    assertEquals(List.of("delay", "time", "origin"), ExamplesIO.schema(out.resolve("Split-train")).names());
    long missing = ExamplesIO.readAll(out.resolve("Split-train")).column("delay").nulls().cardinality()
        + ExamplesIO.readAll(out.resolve("Split-eval")).column("delay").nulls().cardinality();
    assertEquals(10, missing);
  }

  @Test
  void directAndSparkRunnersWriteTheSameRows() throws Exception {
    Path direct = dir.resolve("direct");
    Path spark = dir.resolve("spark");
    // CSV (cut into ranges, parsed by a splittable DoFn) and Parquet (read whole per file).
    for (String input : List.of(PENGUINS.toString(), ParquetInputTest.FLIGHTS.toString())) {
      String name = Path.of(input).getFileName().toString();
      run(Map.of("input", input, "batch_size", 50), direct.resolve(name), List.of("--runner=DirectRunner"));
      run(Map.of("input", input, "batch_size", 50), spark.resolve(name),
          List.of("--runner=SparkRunner", "--sparkMaster=local[2]"));
      for (String split : List.of("train", "eval")) {
        var fromDirect = sorted(ExamplesIO.readAll(direct.resolve(name).resolve("Split-" + split)));
        assertTrue(!fromDirect.isEmpty(), name + " " + split);
        assertEquals(fromDirect, sorted(ExamplesIO.readAll(spark.resolve(name).resolve("Split-" + split))),
            name + " " + split);
      }
    }
  }

  static List<String> sorted(Batch b) {
    var rows = new java.util.ArrayList<String>();
    for (int i = 0; i < b.rowCount(); i++) {
      rows.add(b.row(i).toString());
    }
    rows.sort(null);
    return rows;
  }
}
