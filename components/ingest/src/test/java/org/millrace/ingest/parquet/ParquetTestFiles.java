package org.millrace.ingest.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.function.BiConsumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** Writes small Parquet files for tests with parquet-hadoop's example Group writer, straight to a local file. */
public final class ParquetTestFiles {
  private ParquetTestFiles() {}

  /** Writes {@code rows} rows of {@code schema} (Parquet message syntax), each filled in by {@code fill}. */
  public static Path write(Path file, String schema, int rows, BiConsumer<Integer, Group> fill) throws IOException {
    return write(file, MessageTypeParser.parseMessageType(schema), rows, fill, CompressionCodecName.SNAPPY, 0);
  }

  public static Path write(Path file, MessageType type, int rows, BiConsumer<Integer, Group> fill,
      CompressionCodecName codec, int rowGroupBytes) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    var factory = new SimpleGroupFactory(type);
    var builder = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(type).withCompressionCodec(codec)
        .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE);
    if (rowGroupBytes > 0) {
      builder = builder.withRowGroupSize(rowGroupBytes).withPageSize(Math.min(rowGroupBytes, 1 << 20));
    }
    try (ParquetWriter<Group> w = builder.build()) {
      for (int i = 0; i < rows; i++) {
        Group g = factory.newGroup();
        fill.accept(i, g);
        w.write(g);
      }
    }
    return file;
  }
}
