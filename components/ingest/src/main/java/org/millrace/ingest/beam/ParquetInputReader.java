package org.millrace.ingest.beam;

import java.io.IOException;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.parquet.ParquetRecords;

/** Parquet: a range is row groups {@code [from, to)}, its {@code line} the file's row number of the first row. */
final class ParquetInputReader implements InputReader {
  private final DataSchema schema;
  private final String schemaSource;

  ParquetInputReader(DataSchema schema, String schemaSource) {
    this.schema = schema;
    this.schemaSource = schemaSource;
  }

  @Override
  public InputFormat format() {
    return InputFormat.PARQUET;
  }

  @Override
  public RecordSource open(String file, TextRange range) throws IOException {
    return ParquetRecords.open(file, schema, schemaSource, (int) range.from(), (int) (range.to() - range.from()));
  }
}
