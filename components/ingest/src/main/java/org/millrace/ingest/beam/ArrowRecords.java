package org.millrace.ingest.beam;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Iterator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.millrace.api.data.ArrowConversion;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;

/**
 * Rows of an Arrow IPC file, one record batch in memory at a time, as text fields so that typing
 * against the schema (and its errors) is the same as for text formats. The raw text of a row is
 * its values joined by tabs.
 */
final class ArrowRecords implements RecordSource {
  private final RootAllocator alloc;
  private final ArrowFileReader reader;
  private final VectorSchemaRoot root;
  private final DataSchema fileSchema;
  private final Iterator<ArrowBlock> blocks;
  private Batch current;
  private int row;
  private long number;

  private ArrowRecords(RootAllocator alloc, ArrowFileReader reader) throws IOException {
    this.alloc = alloc;
    this.reader = reader;
    this.root = reader.getVectorSchemaRoot();
    this.fileSchema = ArrowConversion.fromArrow(root.getSchema());
    this.blocks = reader.getRecordBlocks().iterator();
  }

  static ArrowRecords open(SeekableByteChannel channel, String file, DataSchema schema, String schemaSource)
      throws IOException {
    var alloc = new RootAllocator();
    var reader = new ArrowFileReader(channel, alloc);
    ArrowRecords records;
    try {
      records = new ArrowRecords(alloc, reader);
    } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
      reader.close();
      alloc.close();
      throw new IllegalArgumentException(file + ": expected an Arrow IPC file, got " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      reader.close();
      alloc.close();
      throw e;
    }
    if (!records.fileSchema.names().equals(schema.names())) {
      records.close();
      throw new IllegalArgumentException(file + ": expected the columns " + schema.names() + " (" + schemaSource
          + "), got " + records.fileSchema.names());
    }
    return records;
  }

  @Override
  public CsvRecord next() throws IOException {
    while (current == null || row >= current.rowCount()) {
      if (!blocks.hasNext()) {
        return null;
      }
      reader.loadRecordBatch(blocks.next());
      current = ArrowConversion.toBatch(root, fileSchema);
      row = 0;
    }
    var fields = new ArrayList<String>(fileSchema.size());
    for (int c = 0; c < fileSchema.size(); c++) {
      Object v = current.column(c).get(row);
      fields.add(v == null ? null : v.toString());
    }
    row++;
    number++;
    return new CsvRecord(number, fields, String.join("\t", fields.stream().map(String::valueOf).toList()), null);
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      alloc.close();
    }
  }
}
