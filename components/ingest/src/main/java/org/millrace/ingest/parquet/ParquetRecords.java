package org.millrace.ingest.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
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
    var fields = new ArrayList<String>(readers.length);
    String error = null;
    for (int i = 0; i < readers.length; i++) {
      ColumnReader r = readers[i];
      String v = null;
      if (r.getCurrentDefinitionLevel() == descriptors[i].getMaxDefinitionLevel()) {
        if (cols[i].kind() == ParquetColumns.Kind.STRING) {
          byte[] bytes = r.getBinary().getBytes();
          int bad = Utf8.firstInvalid(bytes);
          if (bad >= 0 && error == null) {
            error = "column '" + cols[i].name() + "' (" + (i + 1) + ") expected UTF-8 text, got invalid byte 0x"
                + String.format("%02X", bytes[bad] & 0xFF) + " at byte " + (bad + 1) + " of the value";
          }
          v = bad >= 0 ? Utf8.escape(bytes) : new String(bytes, StandardCharsets.UTF_8);
        } else {
          v = value(r, cols[i]);
        }
      }
      r.consume();
      fields.add(v);
    }
    var raw = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      raw.append(i == 0 ? "" : "\t").append(fields.get(i)); // a null as "null", as String.valueOf
    }
    return error != null ? new CsvRecord(row, null, raw.toString(), error)
        : new CsvRecord(row, fields, raw.toString(), null);
  }

  private static String value(ColumnReader r, ParquetColumns.Col c) {
    return switch (c.kind()) {
      case BOOL -> Boolean.toString(r.getBoolean());
      case INT32 -> Integer.toString(r.getInteger());
      case UINT32 -> Integer.toUnsignedString(r.getInteger());
      case INT64 -> Long.toString(r.getLong());
      case FLOAT -> Float.toString(r.getFloat());
      case DOUBLE -> Double.toString(r.getDouble());
      case DATE -> LocalDate.ofEpochDay(r.getInteger()).toString();
      case TIMESTAMP_MILLIS -> timestamp(Math.floorDiv(r.getLong(), 1_000L), Math.floorMod(r.getLong(), 1_000L)
          * 1_000_000L, c.utc());
      case TIMESTAMP_MICROS -> timestamp(Math.floorDiv(r.getLong(), 1_000_000L), Math.floorMod(r.getLong(),
          1_000_000L) * 1_000L, c.utc());
      case TIMESTAMP_NANOS -> timestamp(Math.floorDiv(r.getLong(), 1_000_000_000L), Math.floorMod(r.getLong(),
          1_000_000_000L), c.utc());
      case STRING -> throw new IllegalStateException("BUG: strings are read as bytes");
    };
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
