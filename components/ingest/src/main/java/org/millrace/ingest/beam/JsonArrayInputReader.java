package org.millrace.ingest.beam;

import java.io.IOException;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.JsonArrays;
import org.millrace.ingest.csv.RecordSource;

/**
 * A JSON document holding an array of objects: one range, the whole file (through gzip for a
 * {@code .gz} name), streamed; records are numbered by their place in the array.
 */
final class JsonArrayInputReader implements InputReader {
  private final DataSchema schema;

  JsonArrayInputReader(DataSchema schema) {
    this.schema = schema;
  }

  @Override
  public InputFormat format() {
    return InputFormat.JSON;
  }

  @Override
  public RecordSource open(String file, TextRange range) throws IOException {
    return JsonArrays.open(ParseRecordsFn.open(file, 0), file, schema);
  }
}
