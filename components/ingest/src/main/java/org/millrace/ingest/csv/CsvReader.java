package org.millrace.ingest.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads CSV records from a byte stream: fields separated by a one-byte delimiter, records by LF or
 * CRLF, fields optionally quoted with {@code "} (a doubled quote is a literal quote; quoted fields
 * may hold delimiters and newlines). Works on bytes so memory stays bounded by the longest record.
 * {@link #advance()} reads a record into reused buffers (the fast path ingest uses);
 * {@link #next()} returns it as a {@link CsvRecord}.
 */
public final class CsvReader implements AutoCloseable {
  private static final int QUOTE = '"';
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private final InputStream in;
  private final int delimiter;
  private final byte[] buf = new byte[1 << 16];
  private int bufPos;
  private int bufLimit;
  /** Stream offset of {@code buf[0]}. */
  private long bufStart;
  private long line;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  // The current record.
  private byte[] field = new byte[256];
  private byte[] raw = new byte[256];
  private int rawLength;
  private long rawHash;
  private long recordLine;
  private long recordStart;
  private final List<String> fields = new ArrayList<>();
  private String error;

  public CsvReader(InputStream in, char delimiter) {
    this(in, delimiter, 0, 1);
  }

  /** A reader of a stream that starts at byte {@code offset} of a file, on line {@code line}. */
  public CsvReader(InputStream in, char delimiter, long offset, long line) {
    if (delimiter > 127 || delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("delimiter expected a single ASCII character other than quote or newline, got '"
          + delimiter + "'");
    }
    this.in = in;
    this.delimiter = delimiter;
    this.bufStart = offset;
    this.line = line;
  }

  /** The file offset of the next unread byte: the start of the next record after {@link #advance()}. */
  public long position() {
    return bufStart + bufPos;
  }

  /** The line the next record starts on. */
  public long line() {
    return line;
  }

  /** The next record, or null at the end of the input. */
  public CsvRecord next() throws IOException {
    if (!advance()) {
      return null;
    }
    return new CsvRecord(recordLine, error == null ? List.copyOf(fields) : null, raw(), error);
  }

  /**
   * Reads the next record into this reader's buffers; false at the end of the input. Its fields
   * ({@link #fields()}) are valid until the next call.
   */
  public boolean advance() throws IOException {
    long start = position();
    int c = read();
    if (c == -1) {
      return false;
    }
    recordStart = start;
    recordLine = line;
    fields.clear();
    error = null;
    rawLength = 0;
    rawHash = FNV_OFFSET;
    int fieldLength = 0;
    boolean ascii = true;
    boolean quoted = false;
    boolean fieldStart = true;
    while (true) {
      if (c == -1) {
        addField(fieldLength, ascii);
        break;
      }
      if (quoted) {
        if (c == QUOTE) {
          int n = read();
          if (n == QUOTE) {
            field = put(field, fieldLength++, QUOTE);
            raw(QUOTE);
            raw(QUOTE);
          } else {
            quoted = false;
            raw(QUOTE);
            c = n;
            continue;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          ascii &= c < 0x80;
          field = put(field, fieldLength++, c);
          raw(c);
        }
      } else if (c == QUOTE && fieldStart) {
        quoted = true;
        raw(c);
      } else if (c == delimiter) {
        addField(fieldLength, ascii);
        fieldLength = 0;
        ascii = true;
        raw(c);
        fieldStart = true;
        c = read();
        continue;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && peek() == '\n') {
          read();
        }
        line++;
        addField(fieldLength, ascii);
        break;
      } else {
        ascii &= c < 0x80;
        field = put(field, fieldLength++, c);
        raw(c);
      }
      fieldStart = false;
      c = read();
    }
    return true;
  }

  /** The current record's fields (null when its bytes are not UTF-8; see {@link #error()}). */
  public List<String> fields() {
    return error == null ? fields : null;
  }

  /** Why the current record has no fields, or null. */
  public String error() {
    return error;
  }

  /** The line the current record starts on. */
  public long recordLine() {
    return recordLine;
  }

  /** Whether the current record is an empty line. */
  public boolean blank() {
    return rawLength == 0;
  }

  /** The current record's text without its line terminator; invalid UTF-8 bytes written as {@code \xNN}. */
  public String raw() {
    return error == null ? new String(raw, 0, rawLength, StandardCharsets.UTF_8)
        : Utf8.escape(Arrays.copyOf(raw, rawLength));
  }

  /** FNV-1a of the current record's raw bytes (equal to that of {@code raw().getBytes(UTF_8)} for UTF-8). */
  public long rawHash() {
    return rawHash;
  }

  private void addField(int length, boolean ascii) {
    if (error != null) {
      return;
    }
    if (ascii) {
      fields.add(new String(field, 0, length, StandardCharsets.ISO_8859_1));
      return;
    }
    try {
      fields.add(decoder.decode(ByteBuffer.wrap(field, 0, length)).toString());
    } catch (CharacterCodingException e) {
      // The raw bytes so far are the file's bytes from the record's start, so the offset is exact.
      byte[] sofar = Arrays.copyOf(raw, rawLength);
      error = "field " + (fields.size() + 1) + " "
          + Utf8.problem(sofar, Math.max(0, Utf8.firstInvalid(sofar)), recordStart, "record");
    }
  }

  private void raw(int c) {
    raw = put(raw, rawLength++, c);
    rawHash = (rawHash ^ (byte) c) * FNV_PRIME;
  }

  private static byte[] put(byte[] a, int i, int c) {
    if (i == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[i] = (byte) c;
    return a;
  }

  private int read() throws IOException {
    if (bufPos == bufLimit && !fill()) {
      return -1;
    }
    return buf[bufPos++] & 0xff;
  }

  private int peek() throws IOException {
    if (bufPos == bufLimit && !fill()) {
      return -1;
    }
    return buf[bufPos] & 0xff;
  }

  private boolean fill() throws IOException {
    bufStart += bufLimit;
    bufPos = 0;
    bufLimit = 0;
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      return false;
    }
    bufLimit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
