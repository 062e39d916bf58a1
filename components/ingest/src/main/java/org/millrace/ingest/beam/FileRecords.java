package org.millrace.ingest.beam;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.millrace.api.data.DataSchema;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.JsonArrays;
import org.millrace.ingest.csv.JsonLines;
import org.millrace.ingest.csv.LineReader;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.csv.SchemaInference;
import org.millrace.ingest.parquet.ParquetRecords;

/**
 * The records of one whole input file in any format ExampleGen reads (csv, jsonl, json, arrow,
 * parquet; csv and JSON through gzip for a {@code .gz} name), with the readers {@link ParseCsvFn}
 * uses, outside a pipeline.
 */
public final class FileRecords {
  private FileRecords() {}

  /** Opens {@code file}; a CSV file's header must be {@code schema}'s columns. */
  public static RecordSource open(String file, String format, char delimiter, DataSchema schema, String schemaSource,
      long maxRecordBytes) throws IOException {
    switch (format) {
      case "parquet":
        return ParquetRecords.open(file, schema, schemaSource);
      case "json":
        return JsonArrays.open(ParseCsvFn.open(file, 0), file, schema);
      case "jsonl": {
        var lines = new LineReader(ParseCsvFn.open(file, 0), 0, 1, maxRecordBytes);
        return new RecordSource() {
          @Override
          public CsvRecord next() throws IOException {
            LineReader.Line l = lines.next();
            return l == null ? null : JsonLines.record(l, schema, maxRecordBytes);
          }

          @Override
          public void close() throws IOException {
            lines.close();
          }
        };
      }
      case "arrow": {
        var channel = FileSystems.open(FileSystems.matchSingleFileSpec(file).resourceId());
        if (!(channel instanceof SeekableByteChannel seekable)) {
          channel.close();
          throw new IllegalArgumentException(file + ": expected a seekable file for Arrow IPC, got a stream-only"
              + " channel");
        }
        return ArrowRecords.open(seekable, file, schema, schemaSource);
      }
      default: {
        var reader = new CsvReader(ParseCsvFn.open(file, 0), delimiter, 0, 1, maxRecordBytes);
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
    }
  }
}
