package org.millrace.ingest.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.parquet.ParquetTestFiles;

/** One reader per input format, chosen by the format: the same three rows read from each. */
class InputReadersTest {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("id", FeatureType.INT, false),
      Feature.of("name", FeatureType.STRING, true));

  @TempDir
  Path dir;

  static InputReader reader(InputFormat f) {
    return InputReader.of(f, SCHEMA, "test schema", ',', 1 << 20);
  }

  /** "line: fields" of every record of a range. */
  static List<String> records(InputFormat f, Path file, TextRange range) throws Exception {
    var out = new ArrayList<String>();
    try (RecordSource s = reader(f).open(file.toString(), range)) {
      CsvRecord r;
      while ((r = s.next()) != null) {
        out.add(r.line() + ": " + r.fields());
      }
    }
    return out;
  }

  @Test
  void eachFormatHasItsOwnReader() {
    assertEquals(CsvInputReader.class, reader(InputFormat.CSV).getClass());
    assertEquals(JsonLinesInputReader.class, reader(InputFormat.JSONL).getClass());
    assertEquals(ArrowInputReader.class, reader(InputFormat.ARROW).getClass());
    assertEquals(ParquetInputReader.class, reader(InputFormat.PARQUET).getClass());
    for (InputFormat f : InputFormat.values()) {
      assertEquals(f, reader(f).format());
      assertEquals(f == InputFormat.ARROW || f == InputFormat.PARQUET, reader(f).typed(), f.toString());
    }
  }

  @Test
  void csvReadsItsRangeOnly() throws Exception {
    Path csv = Files.writeString(dir.resolve("a.csv"), "id,name\n1,a\n\n2,\n3,\"c,d\"\n");
    assertEquals(List.of("2: [1, a]", "4: [2, ]", "5: [3, c,d]"),
        records(InputFormat.CSV, csv, new TextRange(8, Long.MAX_VALUE, 2)));
    // Bytes [8, 12) hold the record of line 2 only; the next range starts at line 3.
    assertEquals(List.of("2: [1, a]"), records(InputFormat.CSV, csv, new TextRange(8, 12, 2)));
  }

  @Test
  void jsonLinesReadsItsRangeOnly() throws Exception {
    String first = "{\"id\": 1, \"name\": \"a\"}\n";
    Path jsonl = Files.writeString(dir.resolve("a.jsonl"), first + "{\"id\": 2, \"name\": null}\n"
        + "{\"id\": 3, \"name\": \"c,d\"}\n");
    assertEquals(List.of("1: [1, a]", "2: [2, null]", "3: [3, c,d]"),
        records(InputFormat.JSONL, jsonl, new TextRange(0, Long.MAX_VALUE, 1)));
    assertEquals(List.of("2: [2, null]", "3: [3, c,d]"),
        records(InputFormat.JSONL, jsonl, new TextRange(first.length(), Long.MAX_VALUE, 2)));
  }

  @Test
  void arrowAndParquetGiveRowsNumberedByRow() throws Exception {
    var b = new BatchBuilder(SCHEMA, 3);
    b.addRow(1L, "a");
    b.addRow(2L, null);
    b.addRow(3L, "c,d");
    ExamplesIO.write(dir.resolve("arrow"), SCHEMA, 0, List.of(b.build()));
    Path arrow = ExamplesIO.parts(dir.resolve("arrow")).get(0);
    List<String> expected = List.of("1: [1, a]", "2: [2, null]", "3: [3, c,d]");
    assertEquals(expected, records(InputFormat.ARROW, arrow, new TextRange(0, Long.MAX_VALUE, 1)));

    List<String> names = Arrays.asList("a", null, "c,d");
    Path parquet = ParquetTestFiles.write(dir.resolve("a.parquet"),
        "message m { required int64 id; optional binary name (UTF8); }", 3, (i, g) -> {
          g.add("id", (long) i + 1);
          if (names.get(i) != null) {
            g.add("name", names.get(i));
          }
        });
    assertEquals(expected, records(InputFormat.PARQUET, parquet, new TextRange(0, 1, 1)));
    assertTrue(reader(InputFormat.PARQUET).typed());
    assertFalse(reader(InputFormat.JSONL).typed());
  }
}
