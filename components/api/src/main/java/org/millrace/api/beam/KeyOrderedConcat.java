package org.millrace.api.beam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Concatenates Arrow part files record batch by record batch in the order of a key computed from
 * each record batch's bytes, so the result does not depend on which bundle wrote which batch nor in
 * which order a runner processed them: the same multiset of record batches always gives the same
 * file, byte for byte. Equal keys mean equal bytes (up to a SHA-256 collision), so ties do not
 * change the output.
 */
public final class KeyOrderedConcat {
  private KeyOrderedConcat() {}

  private record Block(byte[] key, int file, int index) {}

  private static final Comparator<Block> ORDER = (a, b) -> {
    int c = Arrays.compareUnsigned(a.key(), b.key());
    return c != 0 ? c : Comparator.comparingInt(Block::file).thenComparingInt(Block::index).compare(a, b);
  };

  /** Writes every record batch of {@code files} into the new file {@code out} in key order; returns the rows. */
  public static long concat(List<Path> files, Path out) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("concat expected at least one Arrow file, got none for " + out);
    }
    var channels = new ArrayList<FileChannel>();
    var readers = new ArrayList<ArrowFileReader>();
    try (var alloc = new RootAllocator()) {
      try {
        var blocks = new ArrayList<Block>();
        for (int f = 0; f < files.size(); f++) {
          FileChannel ch = FileChannel.open(files.get(f), StandardOpenOption.READ);
          channels.add(ch);
          ArrowFileReader reader = new ArrowFileReader(ch, alloc);
          readers.add(reader);
          List<ArrowBlock> list = reader.getRecordBlocks();
          for (int i = 0; i < list.size(); i++) {
            reader.loadRecordBatch(list.get(i));
            try (ArrowRecordBatch rb = new VectorUnloader(reader.getVectorSchemaRoot()).getRecordBatch()) {
              blocks.add(new Block(key(rb), f, i));
            }
          }
        }
        blocks.sort(ORDER);
        return write(files, readers, blocks, out, alloc);
      } finally {
        for (ArrowFileReader r : readers) {
          r.close();
        }
        for (FileChannel ch : channels) {
          ch.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot concatenate " + files + " into " + out, e);
    }
  }

  private static long write(List<Path> files, List<ArrowFileReader> readers, List<Block> blocks, Path out,
      RootAllocator alloc) throws IOException {
    long rows = 0;
    VectorSchemaRoot outRoot = null;
    ArrowFileWriter writer = null;
    try (var outCh = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (Block b : blocks) {
        ArrowFileReader reader = readers.get(b.file());
        VectorSchemaRoot in = reader.getVectorSchemaRoot();
        if (outRoot == null) {
          outRoot = VectorSchemaRoot.create(in.getSchema(), alloc);
          writer = new ArrowFileWriter(outRoot, null, outCh);
          writer.start();
        } else if (!in.getSchema().equals(outRoot.getSchema())) {
          throw new IllegalArgumentException("concat expected Arrow files of schema " + outRoot.getSchema()
              + ", got " + in.getSchema() + " in " + files.get(b.file()));
        }
        reader.loadRecordBatch(reader.getRecordBlocks().get(b.index()));
        try (ArrowRecordBatch rb = new VectorUnloader(in).getRecordBatch()) {
          new VectorLoader(outRoot).load(rb);
        }
        writer.writeBatch();
        rows += in.getRowCount();
      }
      if (writer != null) {
        writer.end();
      }
    } finally {
      if (writer != null) {
        writer.close();
      }
      if (outRoot != null) {
        outRoot.close();
      }
    }
    return rows;
  }

  /** SHA-256 of the row count and every buffer of the record batch. */
  static byte[] key(ArrowRecordBatch rb) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: no SHA-256 in this JVM", e);
    }
    md.update(Long.toString(rb.getLength()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    byte[] chunk = new byte[1 << 16];
    for (ArrowBuf buf : rb.getBuffers()) {
      long n = buf.readableBytes();
      for (long off = 0; off < n; off += chunk.length) {
        int len = (int) Math.min(chunk.length, n - off);
        buf.getBytes(off, chunk, 0, len);
        md.update(chunk, 0, len);
      }
      md.update((byte) 0x1f);
    }
    return md.digest();
  }
}
