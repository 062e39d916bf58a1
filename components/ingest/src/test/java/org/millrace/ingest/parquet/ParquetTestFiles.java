package org.millrace.ingest.parquet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.function.BiConsumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
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
    var builder = ExampleParquetWriter.builder(local(file)).withType(type).withCompressionCodec(codec)
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

  /** An OutputFile on the local disk (parquet-hadoop 1.13 has none without Hadoop's FileSystem). */
  static OutputFile local(Path file) {
    return new OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) throws IOException {
        return stream(Files.newOutputStream(file));
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return create(blockSizeHint);
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return 0;
      }
    };
  }

  private static PositionOutputStream stream(OutputStream out) {
    return new PositionOutputStream() {
      private long pos;

      @Override
      public long getPos() {
        return pos;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        pos++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        pos += len;
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

}
