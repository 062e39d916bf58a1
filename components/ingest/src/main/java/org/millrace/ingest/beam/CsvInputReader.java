package org.millrace.ingest.beam;

import java.io.IOException;
import java.util.List;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;

/**
 * CSV: a range is bytes {@code [from, to)} starting at a record boundary past the header. Besides
 * records one at a time ({@link #open}), it hands {@link ParseRecordsFn} the {@link CsvReader} itself
 * ({@link #reader}), which reads a large range in chunks claimed at record boundaries without
 * making a string of each record's raw text.
 */
final class CsvInputReader implements InputReader {
  private final char delimiter;
  private final long maxRecordBytes;

  CsvInputReader(char delimiter, long maxRecordBytes) {
    this.delimiter = delimiter;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public InputFormat format() {
    return InputFormat.CSV;
  }

  /** A reader positioned at the range's first record. */
  CsvReader reader(String file, TextRange range) throws IOException {
    return new CsvReader(ParseRecordsFn.open(file, range.from()), delimiter, range.from(), range.line(), maxRecordBytes);
  }

  @Override
  public RecordSource open(String file, TextRange range) throws IOException {
    CsvReader reader = reader(file, range);
    return new RecordSource() {
      @Override
      public CsvRecord next() throws IOException {
        // A record that starts at or past the range's end belongs to the next range.
        while (reader.position() < range.to() && reader.advance()) {
          if (!reader.blank()) {
            List<String> fields = reader.fields();
            return new CsvRecord(reader.recordLine(), fields == null ? null : List.copyOf(fields), reader.raw(),
                reader.error());
          }
        }
        return null;
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }
}
