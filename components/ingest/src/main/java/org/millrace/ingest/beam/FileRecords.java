package org.millrace.ingest.beam;

import java.io.IOException;
import java.util.List;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.csv.SchemaInference;
import org.millrace.ingest.parquet.ParquetRecords;

/**
 * The records of one whole input file in any format ExampleGen reads (csv, jsonl, json, arrow,
 * parquet; csv and JSON through gzip for a {@code .gz} name), with the readers {@link ParseRecordsFn}
 * uses, outside a pipeline.
 */
public final class FileRecords {
  private FileRecords() {}

  /** Opens {@code file}; a CSV file's header must be {@code schema}'s columns. */
  public static RecordSource open(String file, InputFormat format, char delimiter, DataSchema schema,
      String schemaSource, long maxRecordBytes) throws IOException {
    switch (format) {
      case PARQUET:
        return ParquetRecords.open(file, schema, schemaSource);
      case CSV: {
        var reader = new CsvReader(ParseRecordsFn.open(file, 0), delimiter, 0, 1, maxRecordBytes);
        try {
          List<String> header = SchemaInference.header(reader, file);
          if (!header.equals(schema.names())) {
            throw new IllegalArgumentException(file + " line 1: expected the header " + schema.names() + " ("
                + schemaSource + "), got " + header);
          }
        } catch (IOException | RuntimeException e) {
          reader.close();
          throw e;
        }
        return new RecordSource() {
          @Override
          public CsvRecord next() throws IOException {
            return reader.next();
          }

          @Override
          public void close() throws IOException {
            reader.close();
          }
        };
      }
      default:
        // The whole file as one range: JSON lines from byte 0 (line 1) to the end; a JSON array and
        // an Arrow file are one range anyway.
        return InputReader.of(format, schema, schemaSource, delimiter, maxRecordBytes)
            .open(file, new TextRange(0, Long.MAX_VALUE, 1));
    }
  }
}
