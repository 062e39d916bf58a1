package org.millrace.ingest.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.millrace.api.data.DataSchema;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.csv.SplitHash;
import org.millrace.ingest.csv.Utf8;

/**
 * The rows of a flat Parquet file, streamed one row group at a time through column readers (no
 * row objects), as text fields in schema order so that typing and bad-row handling are those of
 * every format. A row's number is its 1-based position in the file; its raw text is its values
 * joined by tabs (as for Arrow, so the same rows split the same way).
 */
public final class ParquetRecords implements RecordSource {
  private final String file;
  private final ParquetFileReader reader;
  private final MessageType fileSchema;
  private final String createdBy;
  private final ColumnDescriptor[] descriptors;
  private final ParquetColumns.Col[] cols;
  private ColumnReader[] readers;
  /** The row {@link #nextRow} fills. */
  private final Row current;
  /** Per string column, the strings of recent values by their bytes ({@link TextCache}). */
  private final TextCache[] strings;
  /**
   * Per column formatted as text (booleans, floats, dates, timestamps): the raw bits of its last
   * value and that value's text, reused while the column repeats it (sorted or clustered data).
   */
  private final long[] lastBits;
  private final String[] lastText;
  private long left;
  private long row;
  private int groupsLeft;

  private ParquetRecords(String file, ParquetFileReader reader, DataSchema schema, String schemaSource) {
    this.file = file;
    this.reader = reader;
    this.fileSchema = reader.getFooter().getFileMetaData().getSchema();
    this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    ParquetColumns columns = ParquetColumns.of(fileSchema, file);
    this.descriptors = new ColumnDescriptor[schema.size()];
    this.cols = new ParquetColumns.Col[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      String name = schema.features().get(i).name();
      cols[i] = columns.find(name);
      if (cols[i] == null) {
        throw new IllegalArgumentException(file + ": expected the columns " + schema.names() + " (" + schemaSource
            + "), got " + columns.names());
      }
      descriptors[i] = fileSchema.getColumnDescription(new String[] {name});
    }
    this.current = new Row(schema.size());
    this.strings = new TextCache[schema.size()];
    for (int i = 0; i < cols.length; i++) {
      if (cols[i].kind() == ParquetColumns.Kind.STRING) {
        strings[i] = new TextCache();
      }
    }
    this.lastBits = new long[schema.size()];
    this.lastText = new String[schema.size()];
  }

  /** Opens a file through Beam's filesystems; fails naming the file when it is not Parquet or lacks a column. */
  public static ParquetRecords open(String file, DataSchema schema, String schemaSource) throws IOException {
    return open(file, schema, schemaSource, 0, Integer.MAX_VALUE);
  }

  /**
   * The rows of {@code count} row groups from row group {@code first} (row numbers as in the whole
   * file), so that the row groups of one file can be read in parallel.
   */
  public static ParquetRecords open(String file, DataSchema schema, String schemaSource, int first, int count)
      throws IOException {
    ParquetRecords records = openReader(file, schema, schemaSource);
    var groups = records.reader.getRowGroups();
    for (int g = 0; g < first && g < groups.size(); g++) {
      records.row += groups.get(g).getRowCount();
      records.reader.skipNextRowGroup();
    }
    records.groupsLeft = count;
    return records;
  }

  /** The row counts of a file's row groups, from its footer. */
  public static long[] rowGroupSizes(String file) throws IOException {
    try (var reader = ParquetFileReader.open(new ChannelInputFile(file), ParquetFiles.readOptions())) {
      return reader.getRowGroups().stream().mapToLong(b -> b.getRowCount()).toArray();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": expected a Parquet file, got " + e, e);
    }
  }

  private static ParquetRecords openReader(String file, DataSchema schema, String schemaSource) throws IOException {
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(new ChannelInputFile(file), ParquetFiles.readOptions());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": expected a Parquet file, got " + e, e);
    }
    try {
      return new ParquetRecords(file, reader, schema, schemaSource);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  @Override
  public CsvRecord next() throws IOException {
    Row r = nextRow();
    if (r == null) {
      return null;
    }
    String raw = r.raw();
    if (r.error() != null) {
      return new CsvRecord(r.line(), null, raw, r.error());
    }
    return new CsvRecord(r.line(), java.util.Arrays.asList(r.texts()), raw, null);
  }

  /**
   * The next row, or null at the end: the same row {@link #next} gives, read without the work that
   * only text needs (its integers are not written out, its raw text is not joined; see {@link Row}).
   * The row is reused: it is valid until the next call.
   */
  public Row nextRow() throws IOException {
    while (left == 0) {
      if (groupsLeft == 0) {
        return null;
      }
      groupsLeft--;
      PageReadStore pages;
      try {
        pages = reader.readNextRowGroup();
      } catch (IllegalArgumentException e) { // an unsupported page codec (ParquetCodecs)
        throw new IllegalArgumentException(file + " row " + (row + 1) + ": " + e.getMessage(), e);
      }
      if (pages == null) {
        return null;
      }
      var store = new ColumnReadStoreImpl(pages, new GroupRecordConverter(fileSchema).getRootConverter(), fileSchema,
          createdBy);
      readers = new ColumnReader[descriptors.length];
      for (int i = 0; i < descriptors.length; i++) {
        readers[i] = store.getColumnReader(descriptors[i]);
      }
      left = pages.getRowCount();
    }
    left--;
    row++;
    Row r = current;
    r.line = row;
    r.error = null;
    long h = SplitHash.EMPTY;
    for (int i = 0; i < readers.length; i++) {
      ColumnReader reader = readers[i];
      if (i > 0) {
        h = SplitHash.add(h, (byte) '\t');
      }
      if (reader.getCurrentDefinitionLevel() != descriptors[i].getMaxDefinitionLevel()) {
        r.set(i, Row.NULL, null);
        h = SplitHash.addAscii(h, "null"); // a null as "null", as String.valueOf
      } else {
        switch (cols[i].kind()) {
          case STRING -> {
            byte[] bytes = reader.getBinary().getBytes();
            long hashed = h;
            int key = 0;
            for (byte b : bytes) {
              hashed = SplitHash.add(hashed, b);
              key = 31 * key + b;
            }
            TextCache cache = strings[i];
            String text = cache.get(bytes, key);
            int bad = text == null ? Utf8.firstInvalid(bytes) : -1;
            if (bad >= 0) {
              if (r.error == null) {
                r.error = "column '" + cols[i].name() + "' (" + (i + 1) + ") expected UTF-8 text, got invalid byte 0x"
                    + String.format("%02X", bytes[bad] & 0xFF) + " at byte " + (bad + 1) + " of the value";
              }
              r.set(i, Row.TEXT, Utf8.escape(bytes));
            } else {
              if (text == null) {
                text = new String(bytes, StandardCharsets.UTF_8);
                cache.put(bytes, key, text);
              }
              r.set(i, Row.TEXT, text);
              h = hashed;
            }
          }
          case INT32, INT64, UINT32 -> {
            long v = switch (cols[i].kind()) {
              case INT32 -> reader.getInteger();
              case UINT32 -> Integer.toUnsignedLong(reader.getInteger());
              default -> reader.getLong();
            };
            r.longs[i] = v;
            r.set(i, Row.LONG, null);
            h = r.hashDigits(h, v);
          }
          case DOUBLE -> {
            double v = reader.getDouble();
            String text = Double.toString(v);
            r.doubles[i] = v;
            r.set(i, Double.isFinite(v) ? Row.DOUBLE : Row.TEXT, text);
            h = SplitHash.addAscii(h, text);
          }
          default -> {
            String text = formatted(reader, i); // ASCII: a boolean, float, date or timestamp
            r.set(i, Row.TEXT, text);
            h = SplitHash.addAscii(h, text);
          }
        }
      }
      reader.consume();
    }
    r.rawHash = h;
    return r;
  }

  /**
   * One row of the file as its fields' text, with integers and finite doubles also kept as numbers
   * (their text is made only when asked for), and the FNV-1a hash of its raw text (the values joined
   * by tabs, a null as "null") computed from the values' bytes without joining them. A row with a
   * string that is not UTF-8 has an {@link #error} and no hash.
   */
  public static final class Row extends java.util.AbstractList<String> implements java.util.RandomAccess,
      org.millrace.ingest.csv.TypedFields {
    static final byte NULL = 0;
    static final byte TEXT = 1;
    static final byte LONG = 2;
    static final byte DOUBLE = 3;

    private final byte[] state;
    private final String[] text;
    private final long[] longs;
    private final double[] doubles;
    private final byte[] digits = new byte[20];
    private long line;
    private String error;
    private long rawHash;

    Row(int columns) {
      state = new byte[columns];
      text = new String[columns];
      longs = new long[columns];
      doubles = new double[columns];
    }

    private void set(int i, byte s, String t) {
      state[i] = s;
      text[i] = t;
    }

    /** The row's 1-based number in the file. */
    public long line() {
      return line;
    }

    /** Why the row cannot be read (a string that is not UTF-8), or null. */
    public String error() {
      return error;
    }

    /** FNV-1a of the UTF-8 bytes of {@link #raw()}; only for a row without an error. */
    public long rawHash() {
      return rawHash;
    }

    /** The values joined by tabs, a null as "null" (as String.valueOf). */
    public String raw() {
      var raw = new StringBuilder();
      for (int i = 0; i < state.length; i++) {
        raw.append(i == 0 ? "" : "\t").append(get(i));
      }
      return raw.toString();
    }

    /** Whether the raw text is empty: one column, holding "" (a blank line is not a record). */
    public boolean blank() {
      return state.length == 1 && state[0] == TEXT && text[0].isEmpty();
    }

    /** Every field's text (nulls as null). */
    String[] texts() {
      var out = new String[state.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = get(i);
      }
      return out;
    }

    @Override
    public String get(int i) {
      if (state[i] == LONG && text[i] == null) {
        text[i] = Long.toString(longs[i]);
      }
      return text[i];
    }

    @Override
    public int size() {
      return state.length;
    }

    @Override
    public boolean isLong(int i) {
      return state[i] == LONG;
    }

    @Override
    public long longAt(int i) {
      return longs[i];
    }

    @Override
    public boolean isDouble(int i) {
      return state[i] == DOUBLE;
    }

    @Override
    public double doubleAt(int i) {
      return doubles[i];
    }

    /** {@code h} continued by the bytes of {@code Long.toString(v)}, without making it. */
    long hashDigits(long h, long v) {
      if (v == Long.MIN_VALUE) {
        return SplitHash.addAscii(h, Long.toString(v));
      }
      if (v < 0) {
        h = SplitHash.add(h, (byte) '-');
        v = -v;
      }
      int at = digits.length;
      do {
        digits[--at] = (byte) ('0' + v % 10);
        v /= 10;
      } while (v != 0);
      for (int k = at; k < digits.length; k++) {
        h = SplitHash.add(h, digits[k]);
      }
      return h;
    }
  }

  /** The text of column {@code i}'s value (a boolean, float, date or timestamp); a repeat reuses the last one's. */
  private String formatted(ColumnReader r, int i) {
    ParquetColumns.Col c = cols[i];
    long bits = switch (c.kind()) {
      case BOOL -> r.getBoolean() ? 1 : 0;
      case FLOAT -> Float.floatToRawIntBits(r.getFloat());
      case DATE -> r.getInteger();
      case TIMESTAMP_MILLIS, TIMESTAMP_MICROS, TIMESTAMP_NANOS -> r.getLong();
      default -> throw new IllegalStateException("BUG: " + c.kind() + " is not read as formatted text");
    };
    String text = lastText[i];
    if (text == null || bits != lastBits[i]) {
      text = format(bits, c);
      lastBits[i] = bits;
      lastText[i] = text;
    }
    return text;
  }

  /** The text of a value of a formatted kind, given its raw bits (as {@link #formatted} reads them). */
  static String format(long bits, ParquetColumns.Col c) {
    return switch (c.kind()) {
      case BOOL -> bits != 0 ? "true" : "false";
      case FLOAT -> Float.toString(Float.intBitsToFloat((int) bits));
      case DATE -> LocalDate.ofEpochDay(bits).toString();
      case TIMESTAMP_MILLIS -> timestamp(Math.floorDiv(bits, 1_000L), Math.floorMod(bits, 1_000L) * 1_000_000L,
          c.utc());
      case TIMESTAMP_MICROS -> timestamp(Math.floorDiv(bits, 1_000_000L), Math.floorMod(bits, 1_000_000L) * 1_000L,
          c.utc());
      case TIMESTAMP_NANOS -> timestamp(Math.floorDiv(bits, 1_000_000_000L), Math.floorMod(bits, 1_000_000_000L),
          c.utc());
      default -> throw new IllegalStateException("BUG: " + c.kind() + " is not read as formatted text");
    };
  }

  /**
   * The strings of a column's recent values, found by their bytes: a value seen again (a
   * dictionary-encoded or low-cardinality column) gives the same {@code String} without checking
   * and decoding its bytes again. Direct-mapped, {@value #SLOTS} slots; values longer than
   * {@value #MAX_BYTES} bytes are not kept, so the cache holds at most 32 KB of bytes.
   */
  static final class TextCache {
    static final int SLOTS = 512;
    static final int MAX_BYTES = 64;
    private final byte[][] keys = new byte[SLOTS][];
    private final String[] texts = new String[SLOTS];

    /** The text of {@code bytes} (whose {@code key} is {@code 31 * key + b} over them), or null. */
    String get(byte[] bytes, int key) {
      int slot = slot(key);
      byte[] k = keys[slot];
      return k != null && java.util.Arrays.equals(k, bytes) ? texts[slot] : null;
    }

    /** Fibonacci hashing: the top bits of the key times 2^32 / phi, so that similar short values spread. */
    private static int slot(int key) {
      return (key * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(SLOTS));
    }

    void put(byte[] bytes, int key, String text) {
      if (bytes.length <= MAX_BYTES) {
        int slot = slot(key);
        keys[slot] = bytes;
        texts[slot] = text;
      }
    }
  }

  /** ISO-8601: {@code 2001-01-01T00:47:00Z} for UTC-adjusted timestamps, without the zone otherwise. */
  private static String timestamp(long seconds, long nanos, boolean utc) {
    return IsoTimes.format(seconds, nanos, utc);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  @Override
  public String toString() {
    return file + " row " + row;
  }
}
