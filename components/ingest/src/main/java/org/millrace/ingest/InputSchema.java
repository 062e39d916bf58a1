package org.millrace.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.millrace.api.data.ArrowConversion;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.JsonLines;
import org.millrace.ingest.csv.SchemaInference;
import org.millrace.ingest.parquet.ParquetSchemas;

/** The schema ExampleGen reads against, and where it came from: the given schema file, or inferred from the input. */
record InputSchema(DataSchema schema, String source) {

  static InputSchema of(ExampleGenParams p, List<String> files) throws IOException {
    if (p.schemaFile() != null) {
      DataSchema given = DataSchema.readYaml(Path.of(p.schemaFile()));
      if (p.format() == InputFormat.PARQUET) {
        ParquetSchemas.check(files, given, p.schemaFile());
      }
      return new InputSchema(given, p.schemaFile());
    }
    String first = files.get(0);
    DataSchema schema = switch (p.format()) {
      case PARQUET -> ParquetSchemas.infer(files);
      case ARROW -> arrowSchema(first);
      case JSON -> {
        try (InputStream in = open(first)) {
          yield org.millrace.ingest.csv.JsonArrays.infer(in, first, p.inferSampleRows(), p.maxRecordBytes());
        }
      }
      case JSONL -> {
        try (InputStream in = open(first)) {
          yield JsonLines.infer(in, first, p.inferSampleRows(), p.maxRecordBytes());
        }
      }
      case CSV -> {
        // The first file with a data row: a header-only file has no types to give.
        DataSchema inferred = null;
        for (String file : files) {
          try (InputStream in = open(file)) {
            inferred = SchemaInference.infer(in, file, p.delimiter().charAt(0), new HashSet<>(p.nullValues()),
                p.inferSampleRows(), p.maxRecordBytes());
            first = file;
            break;
          } catch (SchemaInference.NoRowsException e) {
            if (files.size() == 1) {
              throw new IllegalArgumentException(e.getMessage() + " (a header-only file). Add data, or give a"
                  + " schema_file to read it as an empty input", e);
            }
          }
        }
        if (inferred == null) {
          throw new IllegalArgumentException("input expected a data row after the header in at least one of the "
              + files.size() + " files " + files + " to infer column types from, got header-only files. Add data,"
              + " or give a schema_file");
        }
        yield inferred;
      }
    };
    String source = p.format() == InputFormat.PARQUET ? "inferred from the Parquet footers of " + first
        + (files.size() > 1 ? " and " + (files.size() - 1) + " more" : "") : "inferred from " + first;
    return new InputSchema(p.withColumnTypes(schema, source), p.columnTypes() == null ? source
        : source + ", column_types " + p.columnTypes());
  }

  static InputStream open(String file) throws IOException {
    return org.millrace.ingest.csv.Compressed.decompressed(file,
        Channels.newInputStream(FileSystems.open(FileSystems.matchSingleFileSpec(file).resourceId())));
  }

  /** The columns of an Arrow IPC file, all nullable (presence is SchemaGen's call). */
  static DataSchema arrowSchema(String file) throws IOException {
    try (var alloc = new org.apache.arrow.memory.RootAllocator();
        var ch = FileSystems.open(FileSystems.matchSingleFileSpec(file).resourceId())) {
      if (!(ch instanceof SeekableByteChannel seekable)) {
        throw new IllegalArgumentException(file + ": expected a seekable file for Arrow IPC, got a stream-only channel");
      }
      try (var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(seekable, alloc)) {
        DataSchema s = ArrowConversion.fromArrow(reader.getVectorSchemaRoot().getSchema());
        for (var f : s.features()) {
          if (f.isVector()) {
            throw new IllegalArgumentException(file + ": column '" + f.name() + "' expected a scalar (int, float,"
                + " string, bool), got a float vector of shape " + f.shape() + "; ingest reads tabular data");
          }
        }
        return new DataSchema(s.features().stream().map(f -> f.withNullable(true)).toList());
      }
    } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
      throw new IllegalArgumentException(file + ": expected an Arrow IPC file, got " + e.getMessage(), e);
    }
  }
}
