package org.millrace.ingest.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
