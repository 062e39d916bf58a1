package org.millrace.ingest.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (LF or CRLF) without decoding, so that one line of bad UTF-8
 * is one bad row rather than a failed file. Keeps each line's number and byte offset. Reads
 * through its own buffer; may start mid-file at a line start with its offset and number known.
 */
public final class LineReader implements AutoCloseable {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private long line;
  private long offset;
  private byte[] current = new byte[256];
  private final long maxLineBytes;

  /**
   * One line: its number (1-based), the byte offset of its first byte in the file, its bytes without
   * terminator, and its length (longer than {@code bytes} when the line was over the limit).
   */
  public record Line(long number, long offset, byte[] bytes, long length) {
    public Line(long number, long offset, byte[] bytes) {
      this(number, offset, bytes, bytes.length);
    }

    /** Whether the line was longer than the reader's limit, so {@code bytes} holds only its start. */
    public boolean tooLong() {
      return length > bytes.length;
    }
  }

  public LineReader(InputStream in) {
    this(in, 0, 1);
  }

  /** A reader of a stream that starts at byte {@code offset} of a file, at the start of line {@code line}. */
  public LineReader(InputStream in, long offset, long line) {
    this(in, offset, line, CsvReader.DEFAULT_MAX_RECORD_BYTES);
  }

  /** As {@link #LineReader(InputStream, long, long)}, keeping at most {@code maxLineBytes} of a line. */
  public LineReader(InputStream in, long offset, long line, long maxLineBytes) {
    if (maxLineBytes < 1 || maxLineBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("max_record_bytes expected a number in [1, " + (Integer.MAX_VALUE - 16)
          + "], got " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.in = in;
    this.offset = offset;
    this.line = line - 1;
  }

  /** The byte offset of the next line's start. */
  public long position() {
    return offset;
  }

  /** The next line, or null at the end of the input. */
  public Line next() throws IOException {
    if (offset == 0 && pos == limit) {
      skipByteOrderMark();
    }
    long start = offset;
    int n = 0;
    long length = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          break;
        }
      }
      any = true;
      byte b = buf[pos++];
      offset++;
      if (b == '\n') {
        break;
      }
      if (++length > maxLineBytes) {
        continue; // past the limit: counted, not kept
      }
      if (n == current.length) {
        current = Arrays.copyOf(current, (int) Math.min((long) n * 2, maxLineBytes));
      }
      current[n++] = b;
    }
    if (!any) {
      return null;
    }
    if (length > maxLineBytes) {
      // Keep an excerpt, not the whole limit: the line is a bad row either way.
      return new Line(++line, start, Arrays.copyOf(current, Math.min(n, CsvReader.EXCERPT_BYTES)), length);
    }
    if (n > 0 && current[n - 1] == '\r') {
      n--;
      length--;
    }
    return new Line(++line, start, Arrays.copyOf(current, n), length);
  }

  /** Skips a UTF-8 byte-order mark at the start of the file; it is not part of the first line. */
  private void skipByteOrderMark() throws IOException {
    int n;
    while (limit < 3 && (n = in.read(buf, limit, buf.length - limit)) >= 0) {
      limit += n;
    }
    if (limit >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF) {
      pos = 3;
      offset = 3;
    }
  }

  /**
   * The start of the first line at or after each multiple of {@code chunk} bytes past the stream's
   * start (offset {@code start}, the start of line {@code line}), with its line number, read to the
   * end of the stream: where a file of lines can be cut.
   */
  public static java.util.List<long[]> boundaries(InputStream in, long start, long line, long chunk)
      throws IOException {
    var out = new java.util.ArrayList<long[]>();
    byte[] b = new byte[1 << 16];
    long next = start + chunk;
    long base = start;
    int n;
    while ((n = in.read(b)) >= 0) {
      for (int i = 0; i < n; i++) {
        if (b[i] == '\n') {
          line++;
          long lineStart = base + i + 1;
          if (lineStart >= next) {
            out.add(new long[] {lineStart, line});
            next = lineStart + chunk;
          }
        }
      }
      base += n;
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
