package org.millrace.api.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/** Reading and writing the Arrow IPC files of an Examples split directory. */
public final class ExamplesIO {
  private ExamplesIO() {}

  /** {@code part-00007.arrow} for part 7. */
  public static String partFileName(int part) {
    return String.format("part-%05d.arrow", part);
  }

  /** The part files of a split directory, in name order. */
  public static List<Path> parts(Path splitDir) {
    if (!Files.isDirectory(splitDir)) {
      throw new IllegalArgumentException("split directory expected to exist, got no directory " + splitDir);
    }
    try (Stream<Path> s = Files.list(splitDir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith("part-") && n.endsWith(".arrow");
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + splitDir, e);
    }
  }

  /** The schema of a split (from its first part file). */
  public static DataSchema schema(Path splitDir) {
    List<Path> parts = parts(splitDir);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("split expected part-*.arrow files, got none in " + splitDir);
    }
    try (var alloc = new RootAllocator();
        var ch = FileChannel.open(parts.get(0), StandardOpenOption.READ);
        var reader = new ArrowFileReader(ch, alloc)) {
      return ArrowConversion.fromArrow(reader.getVectorSchemaRoot().getSchema());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Arrow file " + parts.get(0), e);
    }
  }

  /** Calls {@code consumer} with every record batch of one Arrow IPC file. */
  public static void forEachBatch(Path file, Consumer<Batch> consumer) {
    try (var alloc = new RootAllocator();
        var ch = FileChannel.open(file, StandardOpenOption.READ);
        var reader = new ArrowFileReader(ch, alloc)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      DataSchema schema = ArrowConversion.fromArrow(root.getSchema());
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        consumer.accept(ArrowConversion.toBatch(root, schema));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Arrow file " + file + " (expected Arrow IPC file format)", e);
    } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
      throw new IllegalArgumentException(
          "Arrow file " + file + " expected Arrow IPC file format, got " + e.getMessage(), e);
    }
  }

  /** Calls {@code consumer} with every batch of every part of a split. */
  public static void forEachBatchInSplit(Path splitDir, Consumer<Batch> consumer) {
    for (Path p : parts(splitDir)) {
      forEachBatch(p, consumer);
    }
  }

  /** All rows of a split as one batch (for small data and tests). */
  public static Batch readAll(Path splitDir) {
    var batches = new ArrayList<Batch>();
    forEachBatchInSplit(splitDir, batches::add);
    return Batch.concat(schema(splitDir), batches);
  }

  /** Writes batches as a single part file of a split; returns the rows written. */
  public static long write(Path splitDir, DataSchema schema, int part, Iterable<Batch> batches) {
    try (var w = SplitWriter.open(splitDir, schema, part)) {
      for (Batch b : batches) {
        w.write(b);
      }
      return w.rowCount();
    }
  }

  /**
   * Concatenates Arrow IPC files of one schema into a new file, record batch by record batch
   * (one batch in memory at a time, no conversion); returns the rows written.
   */
  public static long concat(List<Path> files, Path out) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("concat expected at least one Arrow file, got none for " + out);
    }
    long rows = 0;
    try (var alloc = new RootAllocator();
        var outCh = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      VectorSchemaRoot outRoot = null;
      ArrowFileWriter writer = null;
      try {
        for (Path f : files) {
          try (var ch = FileChannel.open(f, StandardOpenOption.READ); var reader = new ArrowFileReader(ch, alloc)) {
            VectorSchemaRoot in = reader.getVectorSchemaRoot();
            if (outRoot == null) {
              outRoot = VectorSchemaRoot.create(in.getSchema(), alloc);
              writer = new ArrowFileWriter(outRoot, null, outCh);
              writer.start();
            } else if (!in.getSchema().equals(outRoot.getSchema())) {
              throw new IllegalArgumentException("concat expected Arrow files of schema " + outRoot.getSchema()
                  + ", got " + in.getSchema() + " in " + f);
            }
            var loader = new VectorLoader(outRoot);
            for (ArrowBlock block : reader.getRecordBlocks()) {
              reader.loadRecordBatch(block);
              try (ArrowRecordBatch rb = new VectorUnloader(in).getRecordBatch()) {
                loader.load(rb);
              }
              writer.writeBatch();
              rows += in.getRowCount();
            }
          }
        }
        writer.end();
      } finally {
        if (writer != null) {
          writer.close();
        }
        if (outRoot != null) {
          outRoot.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot concatenate " + files.size() + " Arrow files into " + out, e);
    }
    return rows;
  }
}
