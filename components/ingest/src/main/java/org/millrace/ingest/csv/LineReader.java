package org.millrace.ingest.csv;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines (LF or CRLF) without decoding, so that one line of bad UTF-8
 * is one bad row rather than a failed file. Keeps each line's number and byte offset.
 */
public final class LineReader implements AutoCloseable {
  private final InputStream in;
  private long line;
  private long offset;

  /** One line: its number (1-based), the byte offset of its first byte in the file, its bytes without terminator. */
  public record Line(long number, long offset, byte[] bytes) {}

  public LineReader(InputStream in) {
    this.in = new BufferedInputStream(in, 1 << 16);
  }

  /** The next line, or null at the end of the input. */
  public Line next() throws IOException {
    var buf = new ByteArrayOutputStream(256);
    long start = offset;
    int c;
    while ((c = in.read()) != -1) {
      offset++;
      if (c == '\n') {
        break;
      }
      buf.write(c);
    }
    if (c == -1 && buf.size() == 0 && start == offset) {
      return null;
    }
    byte[] bytes = buf.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      bytes = java.util.Arrays.copyOf(bytes, n - 1);
    }
    return new Line(++line, start, bytes);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
