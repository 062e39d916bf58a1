package org.millrace.ingest.beam;

import java.io.IOException;
import java.io.Serializable;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.RecordSource;

/**
 * Reads the records of one input format from a range of a file that {@link PlanRangesFn} planned:
 * text fields per record, typed and routed by {@link ParseRecordsFn} the same way for every format.
 * {@link #of} picks the reader of a format.
 */
public interface InputReader extends Serializable {
  /** The format this reader reads. */
  InputFormat format();

  /**
   * Whether the file gives each value its type (Arrow, Parquet): only a null is missing there, and
   * records are numbered by row rather than by line.
   */
  default boolean typed() {
    return !format().text();
  }

  /** The records of {@code range} of {@code file}, in file order. */
  RecordSource open(String file, TextRange range) throws IOException;

  /**
   * The reader of {@code format} for files read against {@code schema} ({@code schemaSource} names
   * where it came from in errors); {@code delimiter} is CSV's, {@code maxRecordBytes} bounds a CSV
   * record or a JSON line.
   */
  static InputReader of(InputFormat format, DataSchema schema, String schemaSource, char delimiter,
      long maxRecordBytes) {
    return switch (format) {
      case CSV -> new CsvInputReader(delimiter, maxRecordBytes);
      case JSONL -> new JsonLinesInputReader(schema, maxRecordBytes);
      case JSON -> new JsonArrayInputReader(schema);
      case ARROW -> new ArrowInputReader(schema, schemaSource);
      case PARQUET -> new ParquetInputReader(schema, schemaSource);
    };
  }
}
