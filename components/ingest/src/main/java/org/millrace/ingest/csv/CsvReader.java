package org.millrace.ingest.csv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records from a byte stream: fields separated by a one-byte delimiter, records by LF or
 * CRLF, fields optionally quoted with {@code "} (a doubled quote is a literal quote; quoted fields
 * may hold delimiters and newlines). Works on bytes so memory stays bounded by the longest record.
 */
public final class CsvReader implements AutoCloseable {
  private static final int QUOTE = '"';
  private final InputStream in;
  private final int delimiter;
  private long line = 1;
  private long offset;
  private int pushback = -2;

  public CsvReader(InputStream in, char delimiter) {
    if (delimiter > 127 || delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("delimiter expected a single ASCII character other than quote or newline, got '"
          + delimiter + "'");
    }
    this.in = in.markSupported() ? in : new java.io.BufferedInputStream(in, 1 << 16);
    this.delimiter = delimiter;
  }

  /** The next record, or null at the end of the input. */
  public CsvRecord next() throws IOException {
    int c = read();
    if (c == -1) {
      return null;
    }
    long start = line;
    long startOffset = offset - 1;
    var fields = new ArrayList<byte[]>();
    var field = new ByteArrayOutputStream();
    var raw = new ByteArrayOutputStream();
    boolean quoted = false;
    boolean fieldStart = true;
    while (true) {
      if (c == -1) {
        fields.add(field.toByteArray());
        break;
      }
      if (quoted) {
        if (c == QUOTE) {
          int n = read();
          if (n == QUOTE) {
            field.write(QUOTE);
            raw.write(QUOTE);
            raw.write(QUOTE);
          } else {
            quoted = false;
            raw.write(QUOTE);
            c = n;
            continue;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          field.write(c);
          raw.write(c);
        }
      } else if (c == QUOTE && fieldStart) {
        quoted = true;
        raw.write(c);
      } else if (c == delimiter) {
        fields.add(field.toByteArray());
        field.reset();
        raw.write(c);
        fieldStart = true;
        c = read();
        continue;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r') {
          int n = read();
          if (n != '\n') {
            unread(n);
          }
        }
        line++;
        fields.add(field.toByteArray());
        break;
      } else {
        field.write(c);
        raw.write(c);
      }
      fieldStart = false;
      c = read();
    }
    return decode(start, startOffset, fields, raw.toByteArray());
  }

  private static CsvRecord decode(long line, long startOffset, List<byte[]> fields, byte[] raw) {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    var out = new ArrayList<String>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      try {
        out.add(decoder.decode(ByteBuffer.wrap(fields.get(i))).toString());
      } catch (CharacterCodingException e) {
        // The raw bytes are the file's bytes from the record's start, so the offset is exact.
        int at = Math.max(0, Utf8.firstInvalid(raw));
        return new CsvRecord(line, null, Utf8.escape(raw), "field " + (i + 1) + " "
            + Utf8.problem(raw, at, startOffset, "record"));
      }
    }
    return new CsvRecord(line, out, new String(raw, StandardCharsets.UTF_8), null);
  }

  private int read() throws IOException {
    if (pushback != -2) {
      int c = pushback;
      pushback = -2;
      if (c != -1) {
        offset++;
      }
      return c;
    }
    int c = in.read();
    if (c != -1) {
      offset++;
    }
    return c;
  }

  private void unread(int c) {
    pushback = c;
    if (c != -1) {
      offset--;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
