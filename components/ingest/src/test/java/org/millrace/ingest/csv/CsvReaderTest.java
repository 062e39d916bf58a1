package org.millrace.ingest.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
  static List<CsvRecord> read(byte[] bytes, char delimiter) throws Exception {
    var out = new ArrayList<CsvRecord>();
    try (var r = new CsvReader(new ByteArrayInputStream(bytes), delimiter)) {
      for (CsvRecord rec; (rec = r.next()) != null; ) {
        out.add(rec);
      }
    }
    return out;
  }

  static List<CsvRecord> read(String text) throws Exception {
    return read(text.getBytes(StandardCharsets.UTF_8), ',');
  }

  @Test
  void quotesEscapesEmbeddedNewlinesAndLineNumbers() throws Exception {
    var recs = read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",3\n\"two\nlines\",,\"\"\nlast,\"é\",ü");
    assertEquals(4, recs.size());
    assertEquals(List.of("a", "b", "c"), recs.get(0).fields());
    assertEquals(List.of("x, y", "say \"hi\"", "3"), recs.get(1).fields());
    assertEquals(List.of("two\nlines", "", ""), recs.get(2).fields());
    assertEquals(List.of("last", "é", "ü"), recs.get(3).fields());
    assertEquals(List.of(1L, 2L, 3L, 5L), recs.stream().map(CsvRecord::line).toList());
  }

  @Test
  void otherDelimitersAndTrailingNewline() throws Exception {
    var recs = read("a\tb\n1\t2\n".getBytes(StandardCharsets.UTF_8), '\t');
    assertEquals(2, recs.size());
    assertEquals(List.of("1", "2"), recs.get(1).fields());
  }

  @Test
  void invalidUtf8IsReportedNotGuessed() throws Exception {
    byte[] bytes = {'a', ',', 'b', '\n', 'o', 'k', ',', (byte) 0xC3, (byte) 0x28, '\n'};
    var recs = read(bytes, ',');
    assertNull(recs.get(1).fields());
    assertEquals("field 2 expected UTF-8 text, got invalid byte 0xC3 at byte offset 7 (byte 4 of the record)",
        recs.get(1).error());
    assertEquals("ok,\\xC3(", recs.get(1).raw(), "the row keeps the bytes, escaped, not U+FFFD");
    assertEquals(2L, recs.get(1).line());
  }

  /** A stream of {@code n} bytes of {@code fill} after {@code head}, made as it is read (never held whole). */
  static java.io.InputStream generated(String head, long n, byte fill, String tail) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    return new java.io.InputStream() {
      long pos;

      @Override
      public int read() {
        long i = pos++;
        return i < h.length ? h[(int) i] & 0xff : i < h.length + n ? fill : i < h.length + n + t.length
            ? t[(int) (i - h.length - n)] & 0xff : -1;
      }
    };
  }

  @Test
  void aStrayQuoteIsOneTooLongRecordNamingTheLineItOpenedOnAndMemoryStaysBounded() throws Exception {
    // 64 MiB of text after a stray quote on line 3; the reader may keep 1 KiB of a record.
    var in = generated("a,b\n1,2\n3,\"oops\n", 64L << 20, (byte) 'x', "\n");
    try (var r = new CsvReader(in, ',', 0, 1, 1024)) {
      assertEquals(List.of("a", "b"), r.next().fields());
      assertEquals(List.of("1", "2"), r.next().fields());
      CsvRecord bad = r.next();
      assertNull(bad.fields());
      assertEquals(3L, bad.line());
      assertTrue(bad.error().startsWith("record longer than max_record_bytes (1024 bytes; it has "), bad.error());
      assertTrue(bad.error().contains("the quoted field 2 opened on line 3 is never closed"), bad.error());
      assertTrue(bad.raw().startsWith("3,\"oops\nxxx") && bad.raw().endsWith(" more bytes]"), bad.raw());
      assertTrue(bad.raw().length() < 1200, "an excerpt, not the record");
      assertNull(r.next(), "the rest of the input was that record");
    }
  }

  @Test
  void aLongRecordThatEndsIsSkippedAndReadingGoesOn() throws Exception {
    String text = "a,b\n" + "y".repeat(5000) + ",1\n\"q\n" + "z".repeat(3000) + "\",2\nok,3\n";
    try (var r = new CsvReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ',', 0, 1, 100)) {
      r.next();
      CsvRecord unquoted = r.next();
      assertEquals(2L, unquoted.line());
      assertEquals("record longer than max_record_bytes (100 bytes; it has 5002)", unquoted.error());
      CsvRecord quoted = r.next();
      assertEquals(3L, quoted.line());
      assertTrue(quoted.error().contains("a quoted field opened on line 3 spans 2 lines"), quoted.error());
      CsvRecord ok = r.next();
      assertEquals(List.of("ok", "3"), ok.fields());
      assertEquals(5L, ok.line());
    }
  }

  @Test
  void recordsAtTheLimitAreRead() throws Exception {
    String text = "ab,cd\n";
    try (var r = new CsvReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ',', 0, 1, 5)) {
      assertEquals(List.of("ab", "cd"), r.next().fields());
    }
    try (var r = new CsvReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ',', 0, 1, 4)) {
      assertNull(r.next().fields());
    }
  }

  @Test
  void longJsonLinesAreBadRowsWithAnExcerpt() throws Exception {
    var in = generated("{\"a\": 1}\n{\"a\": \"", 10L << 20, (byte) 'x', "\"}\n{\"a\": 2}\n");
    var schema = new org.millrace.api.data.DataSchema(List.of(org.millrace.api.data.Feature.of("a",
        org.millrace.api.data.FeatureType.INT, true)));
    try (var lines = new LineReader(in, 0, 1, 4096)) {
      assertEquals(List.of("1"), JsonLines.record(lines.next(), schema, 4096).fields());
      CsvRecord bad = JsonLines.record(lines.next(), schema, 4096);
      assertEquals(2L, bad.line());
      assertEquals("line longer than max_record_bytes (4096 bytes; it has " + ((10L << 20) + 9) + ")", bad.error());
      assertTrue(bad.raw().length() < 1200);
      CsvRecord next = JsonLines.record(lines.next(), schema, 4096);
      assertEquals(List.of("2"), next.fields());
      assertEquals(3L, next.line());
    }
  }
}
