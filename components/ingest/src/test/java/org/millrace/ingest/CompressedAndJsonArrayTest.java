package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.FeatureType;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;

/**
 * gzip-compressed CSV and JSON lines ({@code .gz}) and JSON arrays ({@code .json}) through the
 * executor, and the same files through {@link InputRecords} (what {@code millrace init} reads).
 */
class CompressedAndJsonArrayTest {
  @TempDir
  Path dir;

  Map<String, Object> run(Map<String, Object> params, Path out) throws Exception {
    return ExampleGenRuns.properties(dir, params, out);
  }

  Path gzip(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  /** Every row of both splits, as "a=..,b=.." text sorted, to compare inputs of different formats. */
  static List<String> rows(Path out) {
    var all = new ArrayList<String>();
    for (String split : List.of("train", "eval")) {
      Batch b = ExamplesIO.readAll(out.resolve("Split-" + split));
      for (int i = 0; i < b.rowCount(); i++) {
        all.add(b.row(i).toString());
      }
    }
    all.sort(String::compareTo);
    return all;
  }

  @Test
  void aGzipCsvReadsAsTheSameRowsAsTheCsv() throws Exception {
    var sb = new StringBuilder("name,n,x\n");
    for (int i = 0; i < 500; i++) {
      sb.append("r").append(i).append(',').append(i).append(',').append(i % 7 == 0 ? "" : i * 0.5).append('\n');
    }
    Path plain = Files.writeString(dir.resolve("d.csv"), sb);
    Path gz = gzip("d.csv.gz", sb.toString());
    var r = run(Map.of("input", gz.toString()), dir.resolve("gz"));
    run(Map.of("input", plain.toString()), dir.resolve("plain"));
    assertEquals(500L, r.get("rows_read"));
    assertEquals(rows(dir.resolve("plain")), rows(dir.resolve("gz")));

    DataSchema schema = InputRecords.schema(ExampleGenParams.of(gz.toString()));
    assertEquals(List.of(FeatureType.STRING, FeatureType.INT, FeatureType.FLOAT),
        schema.features().stream().map(f -> f.type()).toList());
    try (RecordSource s = InputRecords.open(ExampleGenParams.of(gz.toString()), schema)) {
      CsvRecord first = s.next();
      assertEquals(List.of("r0", "0", ""), first.fields());
      assertEquals(2, first.line());
    }

    // A bad value in a gzip file is located by the line of the decompressed text.
    Path bad = gzip("bad.csv.gz", sb.toString().replace("r300,300,150.0", "r300,three hundred,150.0"));
    var e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", bad.toString()), dir.resolve("b")));
    assertTrue(e.getMessage().startsWith(bad + " line 302: column 'n' (2) expected int, got 'three hundred'"), e.getMessage());

    // A gzip file cut short (a copy that stopped): named, with how far it read, as bad input. It was the
    // JDK's EOFException, "Unexpected end of ZLIB input stream", without the file.
    byte[] whole = Files.readAllBytes(gz);
    Path cut = Files.write(dir.resolve("cut.csv.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
    var truncated = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", cut.toString()),
        dir.resolve("c")));
    assertTrue(truncated.getMessage().matches(java.util.regex.Pattern.quote(cut + ": expected a whole gzip stream, got"
        + " one cut short after ") + "\\d+ bytes of text: the file is truncated or corrupt; copy or download it again"),
        truncated.getMessage());
    Path header = Files.write(dir.resolve("header.csv.gz"), java.util.Arrays.copyOf(whole, 5));
    var shortHeader = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", header.toString()),
        dir.resolve("h")));
    assertTrue(shortHeader.getMessage().startsWith(header + ": expected gzip data (the name ends in .gz), got a file"
        + " that ends within its gzip header"), shortHeader.getMessage());
  }

  @Test
  void aJsonArrayOnOneLineAndJsonLinesInGzipRead() throws Exception {
    var array = new StringBuilder("[");
    var lines = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      String o = "{\"date\":\"2001/01/01 00:" + i + "\",\"delay\":" + (i - 5) + ",\"origin\":" + (i % 11 == 0 ? "null"
          : "\"DTW\"") + "}";
      array.append(i > 0 ? "," : "").append(o);
      lines.append(o).append('\n');
    }
    array.append(']');
    Path json = Files.writeString(dir.resolve("f.json"), array);
    Path jsonlGz = gzip("f.jsonl.gz", lines.toString());
    assertEquals(org.millrace.api.data.InputFormat.JSON, ExampleGenParams.of(json.toString()).format());
    assertEquals(org.millrace.api.data.InputFormat.JSONL, ExampleGenParams.of(jsonlGz.toString()).format());
    var r = run(Map.of("input", json.toString()), dir.resolve("json"));
    run(Map.of("input", jsonlGz.toString()), dir.resolve("jsonl"));
    assertEquals(300L, r.get("rows_read"));
    assertEquals(rows(dir.resolve("jsonl")), rows(dir.resolve("json")));

    DataSchema schema = InputRecords.schema(ExampleGenParams.of(json.toString()));
    assertEquals(List.of("date", "delay", "origin"), schema.names());
    assertEquals(FeatureType.INT, schema.feature("delay").type());
    int n = 0;
    try (RecordSource s = InputRecords.open(ExampleGenParams.of(json.toString()), schema)) {
      for (CsvRecord rec; (rec = s.next()) != null; n++) {
        assertEquals(n + 1, rec.line());
      }
    }
    assertEquals(300, n);

    // A value that is no scalar is located by its record (its place in the array), then invalid JSON.
    Path bad = Files.writeString(dir.resolve("bad.json"), array.toString().replace("\"delay\":100,", "\"delay\":[100],"));
    var e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", bad.toString()), dir.resolve("b")));
    // (One array among 300 integers leaves delay an int column, CSV's 1% tolerance: the record is a bad row.)
    assertTrue(e.getMessage().startsWith(bad + " record 106: field 'delay' expected an int value, got a JSON array:"
        + " ExampleGen reads flat records"), e.getMessage());
    Path broken = Files.writeString(dir.resolve("broken.json"), "[{\"delay\": 1},\n{\"delay\": 2,,}]");
    e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", broken.toString()), dir.resolve("c")));
    assertTrue(e.getMessage().contains(broken + " record 2 (line 2): expected"), e.getMessage());
  }
}
