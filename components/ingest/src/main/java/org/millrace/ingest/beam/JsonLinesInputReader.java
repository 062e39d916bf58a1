package org.millrace.ingest.beam;

import java.io.IOException;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.JsonLines;
import org.millrace.ingest.csv.LineReader;
import org.millrace.ingest.csv.RecordSource;

/** JSON lines: a range is bytes {@code [from, to)} starting at a line start; each line one object. */
final class JsonLinesInputReader implements InputReader {
  private final DataSchema schema;
  private final long maxRecordBytes;

  JsonLinesInputReader(DataSchema schema, long maxRecordBytes) {
    this.schema = schema;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public InputFormat format() {
    return InputFormat.JSONL;
  }

  @Override
  public RecordSource open(String file, TextRange range) throws IOException {
    var lines = new LineReader(ParseRecordsFn.open(file, range.from()), range.from(), range.line(), maxRecordBytes);
    return new RecordSource() {
      @Override
      public CsvRecord next() throws IOException {
        // A line that starts at or past the range's end belongs to the next range.
        LineReader.Line l = lines.position() >= range.to() ? null : lines.next();
        return l == null ? null : JsonLines.record(l, schema, maxRecordBytes);
      }

      @Override
      public void close() throws IOException {
        lines.close();
      }
    };
  }
}
