package org.millrace.ingest.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvBoundariesTest {
  /** Rows with quoted delimiters, quoted newlines (LF and CRLF), doubled quotes and a literal mid-field quote. */
  static String sample(int rows, long seed) {
    var rnd = new Random(seed);
    var sb = new StringBuilder("id,text,n\n");
    for (int i = 0; i < rows; i++) {
      String text = switch (rnd.nextInt(5)) {
        case 0 -> "\"two\nlines, " + i + "\"";
        case 1 -> "\"say \"\"hi\"\"\"";
        case 2 -> "5\"" + i; // a quote inside an unquoted field is literal
        case 3 -> "\"cr\r\nlf\"";
        default -> "plain" + i;
      };
      sb.append(i).append(',').append(text).append(',').append(rnd.nextInt(100)).append(rnd.nextBoolean() ? "\n" : "\r\n");
    }
    return sb.toString();
  }

  static List<CsvRecord> readFrom(byte[] bytes, long offset, long end, long line) throws Exception {
    var out = new ArrayList<CsvRecord>();
    var in = new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
    try (var r = new CsvReader(in, ',', offset, line)) {
      while (r.position() < end) {
        CsvRecord rec = r.next();
        if (rec == null) {
          break;
        }
        out.add(rec);
      }
    }
    return out;
  }

  @Test
  void rangesCutAtBoundariesReadTheSameRecordsWithTheSameLines() throws Exception {
    byte[] bytes = sample(2000, 7).getBytes(StandardCharsets.UTF_8);
    List<CsvRecord> whole = readFrom(bytes, 0, Long.MAX_VALUE, 1);
    CsvReader header = new CsvReader(new ByteArrayInputStream(bytes), ',');
    header.next();
    long start = header.position();
    var cuts = CsvBoundaries.every(new ByteArrayInputStream(bytes, (int) start, bytes.length), start, 2, ',', 997);
    assertTrue(cuts.size() > 20, "expected many cuts, got " + cuts.size());
    var pieces = new ArrayList<CsvRecord>(readFrom(bytes, 0, start, 1));
    long from = start;
    long line = 2;
    for (var cut : cuts) {
      assertTrue(cut.offset() - from >= 997, "cuts at least a chunk apart");
      pieces.addAll(readFrom(bytes, from, cut.offset(), line));
      from = cut.offset();
      line = cut.line();
    }
    pieces.addAll(readFrom(bytes, from, Long.MAX_VALUE, line));
    assertEquals(whole, pieces);
  }
}
