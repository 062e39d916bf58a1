package org.millrace.ingest.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RowTyper;
import org.millrace.ingest.parquet.ParquetRecords;
import org.millrace.ingest.parquet.ParquetTestFiles;

/**
 * Parquet rows read the typed way ({@link ParquetRecords#nextRow}) are the rows read as text
 * ({@link ParquetRecords#next}): the same fields, the same raw text, a split hash equal to the FNV-1a
 * of that raw text (so rows split as before), and typed into the same batch values.
 */
class ParquetRowsTest {
  @TempDir
  Path dir;

  private static final String TYPE = "message m { optional int32 i32; optional int32 u32 (INTEGER(32,false));"
      + " optional int64 i64; optional double d; optional float f; optional boolean b; optional int32 day (DATE);"
      + " optional int64 ms (TIMESTAMP(MILLIS,true)); optional int64 us (TIMESTAMP(MICROS,false));"
      + " optional int64 ns (TIMESTAMP(NANOS,true)); optional binary s (STRING); }";

  private static final long[] LONGS = {0, 1, -1, 9, 10, -10, 123456789, Long.MAX_VALUE, Long.MIN_VALUE,
      Long.MIN_VALUE + 1, -999_999_999_999L};
  private static final double[] DOUBLES = {0.0, -0.0, 1.5, -2.25e-300, 1e300, 0.1, Double.NaN,
      Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 123456.789};
  private static final String[] STRINGS = {"", "plain", "tab\there", "é ü ß", "日本語", "emoji 🐧", "null", "NA",
      "quote\"s", "a,b", "x"};

  @Test
  void typedRowsAreTheTextRowsWithTheSameSplitHashAndValues() throws Exception {
    int rows = 200;
    Path file = ParquetTestFiles.write(dir.resolve("all.parquet"), TYPE, rows, (r, g) -> {
      if (r % 7 != 1) g.add("i32", (int) LONGS[r % LONGS.length]);
      if (r % 5 != 2) g.add("u32", (int) (LONGS[(r + 3) % LONGS.length] | 0x80000000L * (r % 2)));
      if (r % 6 != 3) g.add("i64", LONGS[(r + 1) % LONGS.length]);
      if (r % 9 != 4) g.add("d", DOUBLES[r % DOUBLES.length]);
      if (r % 8 != 5) g.add("f", (float) DOUBLES[(r + 2) % DOUBLES.length]);
      if (r % 4 != 0) g.add("b", r % 3 == 0);
      if (r % 10 != 6) g.add("day", r * 97 - 5000);
      if (r % 11 != 7) g.add("ms", (r - 100) * 86_400_123L);
      if (r % 12 != 8) g.add("us", (r - 100) * 86_400_123_457L);
      if (r % 13 != 9) g.add("ns", (r - 100) * 86_400_123_456_789L);
      if (r % 3 != 2) g.add("s", STRINGS[r % STRINGS.length]);
    });
    DataSchema schema = new DataSchema(List.of(feature("i32", FeatureType.INT), feature("u32", FeatureType.INT),
        feature("i64", FeatureType.INT), feature("d", FeatureType.FLOAT), feature("f", FeatureType.FLOAT),
        feature("b", FeatureType.BOOL), feature("day", FeatureType.STRING), feature("ms", FeatureType.STRING),
        feature("us", FeatureType.STRING), feature("ns", FeatureType.STRING), feature("s", FeatureType.STRING)));
    var typedBatch = new BatchBuilder(schema, rows);
    var textBatch = new BatchBuilder(schema, rows);
    var typer = new RowTyper(schema, java.util.Set.of());
    int count = 0;
    int typedLongs = 0;
    int typedDoubles = 0;
    try (var typed = ParquetRecords.open(file.toString(), schema, "test");
        var text = ParquetRecords.open(file.toString(), schema, "test")) {
      ParquetRecords.Row row;
      while ((row = typed.nextRow()) != null) {
        CsvRecord record = text.next();
        assertNotNull(record);
        assertNull(row.error());
        assertEquals(record.line(), row.line());
        assertEquals(record.raw(), row.raw());
        assertEquals(ParseRecordsFn.fnv(record.raw()), row.rawHash(), "row " + row.line() + ": " + record.raw());
        for (int i = 0; i < schema.size(); i++) {
          typedLongs += row.isLong(i) ? 1 : 0;
          typedDoubles += row.isDouble(i) ? 1 : 0;
        }
        assertEquals(record.fields(), new ArrayList<>(row));
        assertNull(typer.tryAppend(typedBatch, row));
        assertNull(typer.tryAppend(textBatch, record.fields()));
        count++;
      }
      assertNull(text.next());
    }
    assertEquals(rows, count);
    assertTrue(typedLongs > 300 && typedDoubles > 100, typedLongs + " integers and " + typedDoubles
        + " doubles read without their text");
    var a = typedBatch.build();
    var b = textBatch.build();
    for (int c = 0; c < schema.size(); c++) {
      assertEquals(b.column(c).nulls(), a.column(c).nulls(), schema.names().get(c));
      for (int r = 0; r < rows; r++) {
        if (!a.column(c).nulls().get(r)) {
          assertEquals(String.valueOf(b.column(c).get(r)), String.valueOf(a.column(c).get(r)),
              schema.names().get(c) + " row " + r);
        }
      }
    }
  }

  /** A string that is not UTF-8 makes the row an error with its escaped raw text, as the text path does. */
  @Test
  void aRowWithInvalidUtf8IsAnErrorWithTheSameRawText() throws Exception {
    Path file = ParquetTestFiles.write(dir.resolve("bad.parquet"), "message m { required int64 n;"
        + " required binary s (STRING); }", 3, (r, g) -> {
          g.add("n", (long) r);
          g.add("s", r == 1 ? Binary.fromConstantByteArray(new byte[] {'o', (byte) 0xC3, 'k'}) : Binary.fromString("ok"));
        });
    DataSchema schema = new DataSchema(List.of(feature("n", FeatureType.INT), feature("s", FeatureType.STRING)));
    try (var typed = ParquetRecords.open(file.toString(), schema, "test");
        var text = ParquetRecords.open(file.toString(), schema, "test")) {
      Map<Long, String> errors = new java.util.TreeMap<>();
      ParquetRecords.Row row;
      while ((row = typed.nextRow()) != null) {
        CsvRecord record = text.next();
        assertEquals(record.error(), row.error());
        assertEquals(record.raw(), row.raw());
        assertFalse(row.blank());
        if (row.error() != null) {
          errors.put(row.line(), row.error());
        }
      }
      assertEquals(Map.of(2L, "column 's' (2) expected UTF-8 text, got invalid byte 0xC3 at byte 2 of the value"),
          errors);
    }
  }

  /**
   * Repeated values read as written: strings found again by their bytes (values sharing a slot
   * replace each other) and formatted values reused while a
   * column repeats its last one, in runs and interleaved.
   */
  @Test
  void repeatedValuesAreReadAsWrittenWhenReused() throws Exception {
    int rows = 6000;
    java.util.function.IntFunction<String> string = r -> r % 10 == 9 ? "long value " + "x".repeat(70) + (r % 3)
        : "v" + (r * 7919 % 300);
    java.util.function.IntToLongFunction millis = r -> (r % 4 == 3 ? r : r / 5) * 60_000L;
    java.util.function.IntFunction<Float> floats = r -> (float) (r / 7) / 4;
    Path file = ParquetTestFiles.write(dir.resolve("repeats.parquet"), "message m { required binary s (STRING);"
        + " required int64 t (TIMESTAMP(MILLIS,true)); required float f; required boolean b; }", rows, (r, g) -> {
          g.add("s", string.apply(r));
          g.add("t", millis.applyAsLong(r));
          g.add("f", floats.apply(r));
          g.add("b", r / 3 % 2 == 0);
        });
    DataSchema schema = new DataSchema(List.of(feature("s", FeatureType.STRING), feature("t", FeatureType.STRING),
        feature("f", FeatureType.FLOAT), feature("b", FeatureType.BOOL)));
    var seen = new java.util.HashMap<String, String>();
    int shared = 0;
    try (var typed = ParquetRecords.open(file.toString(), schema, "test")) {
      for (int r = 0; r < rows; r++) {
        ParquetRecords.Row row = typed.nextRow();
        assertEquals(string.apply(r), row.get(0), "row " + r);
        assertEquals(java.time.Instant.ofEpochMilli(millis.applyAsLong(r)).toString(), row.get(1), "row " + r);
        assertEquals(Float.toString(floats.apply(r)), row.get(2), "row " + r);
        assertEquals(String.valueOf(r / 3 % 2 == 0), row.get(3), "row " + r);
        String before = seen.put(row.get(0), row.get(0)); // the value's last occurrence
        shared += before == row.get(0) ? 1 : 0;
      }
      assertNull(typed.nextRow());
    }
    // 300 short values over 512 slots, some sharing a slot: most repeats are found again (not those
    // whose slot another value took meanwhile), the long values never are.
    assertTrue(shared > rows / 2 && shared < rows * 9 / 10, shared + " repeated strings shared");
  }

  private static Feature feature(String name, FeatureType type) {
    return new Feature(name, type, true, List.of(), null, null, null, null);
  }
}
