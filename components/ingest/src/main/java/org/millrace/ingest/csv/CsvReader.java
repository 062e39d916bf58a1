package org.millrace.ingest.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads CSV records from a byte stream: fields separated by a one-byte delimiter, records by LF or
 * CRLF, fields optionally quoted with {@code "} (a doubled quote is a literal quote; quoted fields
 * may hold delimiters and newlines). Works on bytes so memory stays bounded by the longest record.
 * {@link #advance()} reads a record into reused buffers (the fast path ingest uses);
 * {@link #next()} returns it as a {@link CsvRecord}.
 *
 * <p>A record is at most {@code maxRecordBytes} long (default {@link #DEFAULT_MAX_RECORD_BYTES}). A
 * longer one is a bad record: the reader keeps only its first bytes, reads on to its end by the same
 * quote rules that cut a file into ranges ({@link CsvBoundaries}) — for a stray quote that never
 * closes, to the end of the input — and reports it with {@link #error()}, naming the line where the
 * open quoted field started. So memory stays bounded by the limit whatever the input.
 */
public final class CsvReader implements AutoCloseable {
  private static final int QUOTE = '"';
  /** The default longest record: 64 MiB. */
  public static final long DEFAULT_MAX_RECORD_BYTES = 64L << 20;
  /** How much of a too-long record {@link #raw()} keeps, for the quarantine. */
  static final int EXCERPT_BYTES = 1024;
  private final long maxRecordBytes;
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
  private final Fields fields = new Fields();
  private String error;
  /** Bytes of the current record past the limit were dropped. */
  private boolean overflow;
  /** The length of the current record, also past the limit. */
  private long recordBytes;

  public CsvReader(InputStream in, char delimiter) {
    this(in, delimiter, 0, 1);
  }

  /** A reader of a stream that starts at byte {@code offset} of a file, on line {@code line}. */
  public CsvReader(InputStream in, char delimiter, long offset, long line) {
    this(in, delimiter, offset, line, DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * A reader of a stream that starts at byte {@code offset} of a file, on line {@code line}, whose
   * records are at most {@code maxRecordBytes} long.
   */
  public CsvReader(InputStream in, char delimiter, long offset, long line, long maxRecordBytes) {
    if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("max_record_bytes expected a number in [1, " + (Integer.MAX_VALUE - 16)
          + "], got " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
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
    if (position() == 0) {
      skipByteOrderMark();
    }
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
    rawHash = SplitHash.EMPTY;
    overflow = false;
    recordBytes = 0;
    int fieldLength = 0;
    boolean ascii = true;
    boolean quoted = false;
    long quoteLine = 0;
    long quoteField = 0;
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
            if (!overflow) {
              field = put(field, fieldLength++, QUOTE);
            }
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
          if (!overflow) {
            field = put(field, fieldLength++, c);
          }
          raw(c);
        }
      } else if (c == QUOTE && fieldStart) {
        quoted = true;
        quoteLine = line;
        quoteField = fields.size() + 1;
        raw(c);
      } else if (c == delimiter) {
        addField(fieldLength, ascii);
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
        if (!overflow) {
          field = put(field, fieldLength++, c);
        }
        raw(c);
      }
      fieldStart = false;
      c = read();
    }
    if (overflow) {
      fields.clear();
      error = "record longer than max_record_bytes (" + maxRecordBytes + " bytes; it has " + recordBytes + ")"
          + (quoted ? ": the quoted field " + quoteField + " opened on line " + quoteLine
              + " is never closed (a stray '\"'?), so the rest of the input is one record"
              : quoteLine > 0 ? " (a quoted field opened on line " + quoteLine + " spans " + (line - quoteLine)
                  + " lines: a stray '\"'?)" : "");
    }
    return true;
  }

  /** Whether the current record was longer than the limit (its {@link #raw()} is then an excerpt). */
  public boolean tooLong() {
    return overflow;
  }

  /**
   * The current record's fields (null when its bytes are not UTF-8; see {@link #error()}), valid
   * until the next {@link #advance()}: a {@link Fields} view whose strings are made on first use.
   */
  public List<String> fields() {
    return error == null ? fields : null;
  }

  /**
   * A record's fields over the record's field bytes (quotes removed, doubled quotes undone): an
   * ASCII field's string is made on first {@link #get}, so a typer can read a number straight from
   * {@link #bytes()} between {@link #start} and {@link #end} without making it.
   */
  public static final class Fields extends java.util.AbstractList<String> implements java.util.RandomAccess {
    private byte[] bytes = new byte[0];
    private int[] ends = new int[16];
    private boolean[] ascii = new boolean[16];
    private String[] strings = new String[16];
    private int size;

    @Override
    public int size() {
      return size;
    }

    @Override
    public String get(int i) {
      java.util.Objects.checkIndex(i, size);
      String s = strings[i];
      if (s == null) {
        s = new String(bytes, start(i), ends[i] - start(i), StandardCharsets.ISO_8859_1);
        strings[i] = s;
      }
      return s;
    }

    /** The bytes of the record's fields, one after another. */
    public byte[] bytes() {
      return bytes;
    }

    /** Where field {@code i} starts in {@link #bytes()}. */
    public int start(int i) {
      return i == 0 ? 0 : ends[i - 1];
    }

    /** Where field {@code i} ends in {@link #bytes()}. */
    public int end(int i) {
      return ends[i];
    }

    /** Whether field {@code i} is all ASCII (else its string was decoded from UTF-8 when read). */
    public boolean ascii(int i) {
      return ascii[i];
    }

    @Override
    public void clear() {
      Arrays.fill(strings, 0, size, null);
      size = 0;
    }

    void add(byte[] buffer, int end, boolean isAscii, String decoded) {
      if (size == ends.length) {
        ends = Arrays.copyOf(ends, size * 2);
        ascii = Arrays.copyOf(ascii, size * 2);
        strings = Arrays.copyOf(strings, size * 2);
      }
      bytes = buffer;
      ends[size] = end;
      ascii[size] = isAscii;
      strings[size] = decoded;
      size++;
    }
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
    if (overflow) {
      byte[] head = Arrays.copyOf(raw, Math.min(rawLength, EXCERPT_BYTES));
      return Utf8.escape(head) + "... [" + (recordBytes - head.length) + " more bytes]";
    }
    return error == null ? new String(raw, 0, rawLength, StandardCharsets.UTF_8)
        : Utf8.escape(Arrays.copyOf(raw, rawLength));
  }

  /** FNV-1a of the current record's raw bytes (equal to that of {@code raw().getBytes(UTF_8)} for UTF-8). */
  public long rawHash() {
    return rawHash;
  }

  /** Ends the field that started where the last one ended, at {@code end} in {@link #field}. */
  private void addField(int end, boolean ascii) {
    if (error != null || overflow) {
      return;
    }
    if (ascii) {
      fields.add(field, end, true, null); // its string is made when asked for
      return;
    }
    try {
      int start = fields.start(fields.size());
      fields.add(field, end, false, decoder.decode(ByteBuffer.wrap(field, start, end - start)).toString());
    } catch (CharacterCodingException e) {
      // The raw bytes so far are the file's bytes from the record's start, so the offset is exact.
      byte[] sofar = Arrays.copyOf(raw, rawLength);
      error = "field " + (fields.size() + 1) + " "
          + Utf8.problem(sofar, Math.max(0, Utf8.firstInvalid(sofar)), recordStart, "record");
    }
  }

  private void raw(int c) {
    if (++recordBytes > maxRecordBytes) {
      overflow = true;
    } else {
      raw = put(raw, rawLength++, c);
    }
    rawHash = SplitHash.add(rawHash, (byte) c);
  }

  private byte[] put(byte[] a, int i, int c) {
    if (i == a.length) {
      a = Arrays.copyOf(a, (int) Math.min((long) a.length * 2, maxRecordBytes + 1));
    }
    a[i] = (byte) c;
    return a;
  }

  /**
   * Skips a UTF-8 byte-order mark at the start of the file (Excel writes one): it is not part of the
   * first column's name.
   */
  private void skipByteOrderMark() throws IOException {
    if (bufPos == bufLimit && !fill()) {
      return;
    }
    while (bufLimit < 3) { // a stream that returns fewer bytes at a time
      int n = in.read(buf, bufLimit, buf.length - bufLimit);
      if (n < 0) {
        break;
      }
      bufLimit += n;
    }
    if (bufLimit >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF) {
      bufPos = 3;
    }
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
