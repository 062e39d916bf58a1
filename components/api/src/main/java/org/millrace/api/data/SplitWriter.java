package org.millrace.api.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Writes batches of one schema into one Arrow IPC file, {@code <splitDir>/part-NNNNN.arrow}.
 * Each {@link #write} becomes one record batch in the file.
 */
public final class SplitWriter implements AutoCloseable {
  private final Path file;
  private final DataSchema schema;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final FileChannel channel;
  private final ArrowFileWriter writer;
  private long rows;
  private boolean closed;

  private SplitWriter(Path file, DataSchema schema) throws IOException {
    this.file = file;
    this.schema = schema;
    this.allocator = new RootAllocator();
    this.root = VectorSchemaRoot.create(ArrowConversion.toArrow(schema), allocator);
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.writer = new ArrowFileWriter(root, null, channel);
    writer.start();
  }

  /** Opens {@code splitDir/part-<part>.arrow} for writing (the directory is created). */
  public static SplitWriter open(Path splitDir, DataSchema schema, int part) {
    try {
      Files.createDirectories(splitDir);
      return new SplitWriter(splitDir.resolve(ExamplesIO.partFileName(part)), schema);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + splitDir.resolve(ExamplesIO.partFileName(part)), e);
    }
  }

  /** Opens a new Arrow IPC file for writing (its directory must exist). */
  public static SplitWriter create(Path file, DataSchema schema) {
    try {
      return new SplitWriter(file, schema);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Rows written so far. */
  public long rowCount() {
    return rows;
  }

  /** Appends one batch as a record batch. */
  public void write(Batch batch) {
    if (!batch.schema().equals(schema)) {
      throw new IllegalArgumentException(String.format(
          "batch for %s expected schema %s, got %s", file, schema.names(), batch.schema().names()));
    }
    if (batch.rowCount() == 0) {
      return;
    }
    try {
      ArrowConversion.fill(batch, root);
      writer.writeBatch();
      rows += batch.rowCount();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.end();
      writer.close();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    } finally {
      root.close();
      allocator.close();
    }
  }
}
