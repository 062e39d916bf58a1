package org.millrace.ingest.csv;

import java.io.IOException;

/** The records of one input file, in order, as text fields; typing and bad-row handling are shared by all formats. */
public interface RecordSource extends AutoCloseable {
  /** The next record, or null at the end of the file. */
  CsvRecord next() throws IOException;

  @Override
  void close() throws IOException;
}
