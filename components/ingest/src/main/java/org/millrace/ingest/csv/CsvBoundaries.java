package org.millrace.ingest.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds record boundaries in a CSV byte stream without decoding it, by running the same quote
 * rules as {@link CsvReader} (a quote opens a quoted field only at a field's start; a quoted field
 * may hold newlines), so a file can be cut into ranges that each start at a record.
 */
public final class CsvBoundaries {
  /** A record's start: its file offset and line. */
  public record Boundary(long offset, long line) {}

  private CsvBoundaries() {}

  /**
   * The first record start at or after each multiple of {@code chunk} bytes past {@code start},
   * reading {@code in} (positioned at {@code start}, a record start on {@code line}) to its end.
   */
  public static List<Boundary> every(InputStream in, long start, long line, char delimiter, long chunk)
      throws IOException {
    var out = new ArrayList<Boundary>();
    every(in, start, line, delimiter, chunk, out::add);
    return out;
  }

  /** A boundary found, as soon as it is found. */
  @FunctionalInterface
  public interface Found {
    void found(Boundary b) throws IOException;
  }

  /** {@link #every(InputStream, long, long, char, long)}, handing each boundary on as it is found. */
  public static void every(InputStream in, long start, long line, char delimiter, long chunk, Found out)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long next = start + chunk;
    long base = start;
    boolean quoted = false;
    boolean quoteSeen = false;
    boolean fieldStart = true;
    boolean cr = false;
    int n;
    while ((n = in.read(buf)) >= 0) {
      for (int i = 0; i < n; i++) {
        int b = buf[i];
        long pos = base + i;
        if (cr) {
          cr = false;
          long end = b == '\n' ? pos + 1 : pos;
          if (end >= next) {
            out.found(new Boundary(end, line));
            next = end + chunk;
          }
          if (b == '\n') {
            continue;
          }
        }
        if (quoteSeen) {
          quoteSeen = false;
          if (b == '"') {
            continue; // a doubled quote inside a quoted field
          }
          quoted = false;
        }
        if (quoted) {
          if (b == '"') {
            quoteSeen = true;
          } else if (b == '\n') {
            line++;
          }
        } else if (b == '"' && fieldStart) {
          quoted = true;
          fieldStart = false;
        } else if (b == delimiter) {
          fieldStart = true;
        } else if (b == '\n') {
          line++;
          fieldStart = true;
          if (pos + 1 >= next) {
            out.found(new Boundary(pos + 1, line));
            next = pos + 1 + chunk;
          }
        } else if (b == '\r') {
          line++;
          fieldStart = true;
          cr = true;
        } else {
          fieldStart = false;
        }
      }
      base += n;
    }
  }
}
