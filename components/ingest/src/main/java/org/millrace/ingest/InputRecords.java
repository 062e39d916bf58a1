package org.millrace.ingest;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import org.millrace.api.data.DataSchema;
import org.millrace.ingest.beam.FileRecords;
import org.millrace.ingest.csv.RecordSource;

/**
 * One input file read as ExampleGen reads it with the given parameters, outside a Beam pipeline:
 * the schema it infers (the same code, so the same types) and the file's records as text fields,
 * for tools that look at a file before a pipeline exists ({@code millrace init}). Records are not
 * typed here: a value that does not fit its column is for the caller to count or report.
 */
public final class InputRecords {
  private InputRecords() {}

  /** The schema ExampleGen infers for {@code p.input()} (a single file), or reads from its schema_file. */
  public static DataSchema schema(ExampleGenParams p) throws IOException {
    return InputSchema.of(p, List.of(p.input())).schema();
  }

  /**
   * The records of the whole file {@code p.input()} against {@code schema}, header skipped for CSV;
   * a blank line gives a record with no fields and an empty raw text.
   */
  public static RecordSource open(ExampleGenParams p, DataSchema schema) throws IOException {
    return FileRecords.open(p.input(), p.format(), p.delimiter().charAt(0), schema, "inferred from " + p.input(),
        p.maxRecordBytes());
  }

  /** The values that mean missing in {@code p}'s format: text markers for csv and JSON, only null for the rest. */
  public static java.util.Set<String> nullValues(ExampleGenParams p) {
    return !p.format().text() ? java.util.Set.of()
        : new HashSet<>(p.nullValues());
  }
}
