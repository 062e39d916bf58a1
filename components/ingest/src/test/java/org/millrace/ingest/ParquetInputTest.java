package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.ingest.parquet.ParquetTestFiles;

class ParquetInputTest {
  @TempDir
  Path dir;

  static final Path FLIGHTS = Path.of("src/test/resources/flights/flights-2k.parquet");
  static final String TYPES = "message t { optional int64 id; optional double x; optional binary name (STRING);"
      + " optional boolean ok; optional int32 small; optional int32 day (DATE);"
      + " optional int64 at (TIMESTAMP(MILLIS,true)); }";

  Map<String, Object> run(Map<String, Object> params, Path out) throws Exception {
    return ExampleGenRuns.properties(dir, params, out);
  }

  Batch all(Path out) throws java.io.IOException {
    var rows = new java.util.ArrayList<Batch>();
    for (String s : List.of("train", "eval")) {
      rows.add(ExamplesIO.readAll(out.resolve("Split-" + s)));
    }
    var b = new org.millrace.api.data.BatchBuilder(rows.get(0).schema(), 16);
    for (Batch batch : rows) {
      for (int i = 0; i < batch.rowCount(); i++) {
        b.addRow(batch.row(i).values().toArray());
      }
    }
    return b.build();
  }

  Path typed(String name, int rows) throws Exception {
    return ParquetTestFiles.write(dir.resolve(name), TYPES, rows, (i, g) -> {
      if (i % 10 != 3) {
        g.add("id", (long) i);
      }
      g.add("x", i * 0.5);
      g.add("name", i == 7 ? "NA" : "n" + i);
      g.add("ok", i % 2 == 0);
      g.add("small", -i);
      g.add("day", 11323 + i); // 2001-01-01 + i days
      g.add("at", 978_307_200_000L + i * 1000L);
    });
  }

  @Test
  void parquetColumnsKeepTheirDeclaredTypesAndValues() throws Exception {
    typed("lake/part-0.parquet", 300);
    typed("lake/part-1.parquet", 100);
    Path out = dir.resolve("out");
    var r = run(Map.of("input", dir.resolve("lake") + "/*.parquet", "batch_size", 64), out);
    assertEquals(400L, r.get("rows_read"));
    assertEquals(0L, r.get("rejected_rows"));
    assertEquals(400L, (Long) r.get("row_count_train") + (Long) r.get("row_count_eval"));
    DataSchema schema = ExamplesIO.schema(out.resolve("Split-train"));
    assertEquals(List.of("id", "x", "name", "ok", "small", "day", "at"), schema.names());
    assertEquals(List.of(FeatureType.INT, FeatureType.FLOAT, FeatureType.STRING, FeatureType.BOOL, FeatureType.INT,
        FeatureType.STRING, FeatureType.STRING), schema.features().stream().map(Feature::type).toList());
    Batch b = all(out);
    assertEquals(40, b.column("id").nulls().cardinality(), "a Parquet null is a missing value");
    Map<String, Object> seven = null;
    for (int i = 0; i < b.rowCount(); i++) {
      if (Long.valueOf(7).equals(b.row(i).get("id")) && Long.valueOf(-7).equals(b.row(i).get("small"))) {
        seven = b.row(i);
      }
    }
    assertEquals("NA", seven.get("name"), "null_values are text markers; in Parquet 'NA' is a value");
    assertEquals(3.5, seven.get("x"));
    assertEquals(false, seven.get("ok"));
    assertEquals("2001-01-08", seven.get("day"));
    assertEquals("2001-01-01T00:00:07Z", seven.get("at"));
  }

  @Test
  void theFlightsSampleIsIngestedAndSplitByOrigin() throws Exception {
    Path out = dir.resolve("out");
    var r = run(Map.of("input", FLIGHTS.toString(), "split_by", "origin", "batch_size", 500), out);
    assertEquals(2000L, r.get("rows_read"));
    assertEquals(0L, r.get("rejected_rows"));
    DataSchema schema = ExamplesIO.schema(out.resolve("Split-train"));
    assertEquals(List.of("date", "delay", "distance", "origin", "destination"), schema.names());
    assertEquals(FeatureType.STRING, schema.feature("date").type());
    assertEquals(FeatureType.INT, schema.feature("delay").type());
    Batch b = all(out);
    assertEquals(2000, b.rowCount());
    // Row 0 of flights-3m: the first flight of 2001, LAS -> PHL at 00:01, 33 minutes late, 2176 miles.
    assertTrue(rows(b).contains("{date=2001-01-01T00:01:00, delay=33, distance=2176, origin=LAS, destination=PHL}"),
        "first flight missing");
    var months = new java.util.TreeSet<Integer>();
    for (int i = 0; i < b.rowCount(); i++) {
      var date = java.time.LocalDateTime.parse((String) b.row(i).get("date"));
      assertEquals(2001, date.getYear(), "timestamps in microseconds, read as such");
      months.add(date.getMonthValue());
    }
    assertEquals(new java.util.TreeSet<>(List.of(1, 2, 3, 4, 5, 6)), months,
        "every 1,500th row spans the file, January to June 2001");
    var trainOrigins = new HashSet<Object>();
    Batch train = ExamplesIO.readAll(out.resolve("Split-train"));
    for (int i = 0; i < train.rowCount(); i++) {
      trainOrigins.add(train.row(i).get("origin"));
    }
    Batch eval = ExamplesIO.readAll(out.resolve("Split-eval"));
    for (int i = 0; i < eval.rowCount(); i++) {
      assertTrue(!trainOrigins.contains(eval.row(i).get("origin")), eval.row(i).get("origin") + " in both splits");
    }
  }

  static List<String> rows(Batch b) {
    var out = new java.util.ArrayList<String>();
    for (int i = 0; i < b.rowCount(); i++) {
      out.add(b.row(i).toString());
    }
    return out;
  }

  @Test
  void spansOfParquetFilesAndTheFormatFromTheExtension() throws Exception {
    for (int span = 1; span <= 2; span++) {
      int s = span;
      ParquetTestFiles.write(dir.resolve("lake/span-" + span + "/data.parquet"), "message m { required int64 a; }",
          10 * span, (i, g) -> g.add("a", (long) (s * 100 + i)));
    }
    var r = run(Map.of("input", "file://" + dir.resolve("lake") + "/span-{SPAN}/*.parquet"), dir.resolve("out"));
    assertEquals(2L, r.get("span"));
    assertEquals(20L, r.get("rows_read"));
  }

  @Test
  void aColumnTypedDifferentlyInTwoFilesNamesBothFilesAndTheColumn() throws Exception {
    Path a = ParquetTestFiles.write(dir.resolve("lake/a.parquet"), "message m { optional int64 delay; }", 5,
        (i, g) -> g.add("delay", (long) i));
    Path b = ParquetTestFiles.write(dir.resolve("lake/b.parquet"), "message m { optional binary delay (STRING); }", 5,
        (i, g) -> g.add("delay", "late"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> run(Map.of("input", dir.resolve("lake") + "/*.parquet"), dir.resolve("out")));
    assertEquals("column 'delay' expected one type in every Parquet file, got int64 (int) in " + a + " and binary"
        + " (STRING) (string) in " + b + ". Give a schema_file to read the column as one type.", e.getMessage());

    // With a schema saying string, both files read: int64 values become their decimal text.
    Path schemaFile = dir.resolve("schema.yaml");
    DataSchema.of(Feature.of("delay", FeatureType.STRING, true)).writeYaml(schemaFile);
    var r = run(Map.of("input", dir.resolve("lake") + "/*.parquet", "schema_file", schemaFile.toString()),
        dir.resolve("out2"));
    assertEquals(10L, r.get("rows_read"));
    assertTrue(rows(all(dir.resolve("out2"))).contains("{delay=4}"));
  }

  @Test
  void aGivenSchemaIsCheckedAgainstEveryFileBeforeAnyRowIsRead() throws Exception {
    Path f = ParquetTestFiles.write(dir.resolve("s.parquet"), "message m { optional binary a (STRING);"
        + " optional int64 b; }", 3, (i, g) -> g.append("a", "x" + i).append("b", (long) i));
    Path schemaFile = dir.resolve("schema.yaml");
    DataSchema.of(Feature.of("a", FeatureType.INT, true), Feature.of("b", FeatureType.FLOAT, true)).writeYaml(schemaFile);
    var e = assertThrows(IllegalArgumentException.class,
        () -> run(Map.of("input", f.toString(), "schema_file", schemaFile.toString()), dir.resolve("out")));
    assertEquals(f + ": column 'a' expected int (" + schemaFile + "), got Parquet binary (STRING), which reads as"
        + " string", e.getMessage());
    DataSchema.of(Feature.of("a", FeatureType.STRING, true), Feature.of("c", FeatureType.FLOAT, true))
        .writeYaml(schemaFile);
    var names = assertThrows(IllegalArgumentException.class,
        () -> run(Map.of("input", f.toString(), "schema_file", schemaFile.toString()), dir.resolve("out")));
    assertEquals(f + ": expected the columns [a, c] (" + schemaFile + "), got [a, b] (missing [c], unexpected [b])",
        names.getMessage());
    // int64 read as float, columns in the schema's order
    DataSchema.of(Feature.of("b", FeatureType.FLOAT, true), Feature.of("a", FeatureType.STRING, true))
        .writeYaml(schemaFile);
    run(Map.of("input", f.toString(), "schema_file", schemaFile.toString()), dir.resolve("ok"));
    assertTrue(rows(all(dir.resolve("ok"))).contains("{b=2.0, a=x2}"), rows(all(dir.resolve("ok"))).toString());
  }

  @Test
  void aFileOfManyRowGroupsIsReadInRangesWithEveryRowOnceAndTrueRowNumbers() throws Exception {
    int rows = 250_000;
    // Small row groups (~64 KB): dozens of them, gathered into ranges of at least 100,000 rows.
    Path f = ParquetTestFiles.write(dir.resolve("big.parquet"),
        org.apache.parquet.schema.MessageTypeParser.parseMessageType("message m { optional int64 id; }"), rows,
        (i, g) -> {
          if (i != 180_000) {
            g.add("id", (long) i);
          }
        }, org.apache.parquet.hadoop.metadata.CompressionCodecName.UNCOMPRESSED, 64 << 10);
    long[] groups = org.millrace.ingest.parquet.ParquetRecords.rowGroupSizes(f.toString());
    assertTrue(groups.length > 10, "row groups: " + groups.length);
    Path schemaFile = dir.resolve("big.yaml");
    DataSchema.of(Feature.of("id", FeatureType.INT, false)).writeYaml(schemaFile);
    Map<String, Object> base = Map.of("input", f.toString(), "schema_file", schemaFile.toString());
    var e = assertThrows(IllegalArgumentException.class, () -> run(base, dir.resolve("fail")));
    assertTrue(e.getMessage().startsWith(f + " row 180001: column 'id' (1) expected a int value"), e.getMessage());
    var q = new java.util.HashMap<String, Object>(base);
    q.put("bad_rows", "quarantine");
    Path out = dir.resolve("ranges");
    var r = run(q, out);
    assertEquals((long) rows, r.get("rows_read"));
    assertEquals(1L, r.get("rejected_rows"));
    var seen = new java.util.BitSet(rows);
    for (String split : List.of("train", "eval")) {
      Batch b = ExamplesIO.readAll(out.resolve("Split-" + split));
      long[] ids = ((org.millrace.api.data.Column.Longs) b.column("id")).values();
      for (int i = 0; i < b.rowCount(); i++) {
        assertTrue(!seen.get((int) ids[i]), "id " + ids[i] + " read twice");
        seen.set((int) ids[i]);
      }
    }
    assertEquals(rows - 1, seen.cardinality());
    assertTrue(!seen.get(180_000));
    assertTrue(Files.readString(out.resolve(ExampleGenExecutor.QUARANTINE)).contains("\"row_number\":180001"));
  }

  @Test
  void aMissingRequiredValueFailsNamingTheRowOrIsQuarantined() throws Exception {
    Path f = ParquetTestFiles.write(dir.resolve("n.parquet"), "message m { optional int64 a; optional binary s"
        + " (STRING); }", 50, (i, g) -> {
          if (i != 2) {
            g.add("a", (long) i);
          }
          g.add("s", i == 4 ? Binary.fromConstantByteArray(new byte[] {'o', (byte) 0xC3, 'k'}) : Binary.fromString("s"));
        });
    Path schemaFile = dir.resolve("schema.yaml");
    DataSchema.of(Feature.of("a", FeatureType.INT, false), Feature.of("s", FeatureType.STRING, true))
        .writeYaml(schemaFile);
    Map<String, Object> base = Map.of("input", f.toString(), "schema_file", schemaFile.toString());
    var e = assertThrows(IllegalArgumentException.class, () -> run(base, dir.resolve("out")));
    assertEquals(f + " row 3: column 'a' (1) expected a int value (not nullable), got missing null (schema "
        + schemaFile + "). Fix the data, or set bad_rows: quarantine to set such rows aside.", e.getMessage());

    var q = new java.util.HashMap<String, Object>(base);
    q.put("bad_rows", "quarantine");
    Path out = dir.resolve("q");
    var r = run(q, out);
    assertEquals(50L, r.get("rows_read"));
    assertEquals(2L, r.get("rejected_rows"));
    assertEquals(48L, (Long) r.get("row_count_train") + (Long) r.get("row_count_eval"));
    List<String> lines = Files.readAllLines(out.resolve(ExampleGenExecutor.QUARANTINE));
    assertEquals(List.of("{\"file\":\"" + f + "\",\"row_number\":3,\"reason\":\"column 'a' (1) expected a int value"
        + " (not nullable), got missing null\",\"row\":\"null\\ts\"}",
        "{\"file\":\"" + f + "\",\"row_number\":5,\"reason\":\"column 's' (2) expected UTF-8 text, got invalid byte"
        + " 0xC3 at byte 2 of the value\",\"row\":\"4\\to\\\\xC3k\"}"), lines);
  }

  @Test
  void filesIngestCannotReadAsFlatParquetFailNamingFileAndColumn() throws Exception {
    Path nested = ParquetTestFiles.write(dir.resolve("nested.parquet"), "message m { optional group g {"
        + " optional int64 a; } }", 1, (i, g) -> g.addGroup("g").add("a", 1L));
    var e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", nested.toString()),
        dir.resolve("o1")));
    assertTrue(e.getMessage().startsWith(nested + ": column 'g' expected a scalar (int, float, string, bool, date,"
        + " timestamp), got the nested or repeated Parquet type"), e.getMessage());
    Path decimal = ParquetTestFiles.write(dir.resolve("decimal.parquet"), "message m { optional int64 price"
        + " (DECIMAL(10,2)); }", 1, (i, g) -> g.add("price", 1999L));
    var d = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", decimal.toString()),
        dir.resolve("o2")));
    assertEquals(decimal + ": column 'price' expected a Parquet type ingest reads (boolean, int32, int64, float, double,"
        + " binary (STRING/ENUM/JSON), date, timestamp), got int64 (DECIMAL(10,2)); cast decimals to double when"
        + " writing the file", d.getMessage());
    Path notParquet = Files.writeString(dir.resolve("fake.parquet"), "a,b\n1,2\n");
    var n = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", notParquet.toString()),
        dir.resolve("o3")));
    assertTrue(n.getMessage().startsWith(notParquet + ": expected a Parquet file, got "), n.getMessage());
  }
}
