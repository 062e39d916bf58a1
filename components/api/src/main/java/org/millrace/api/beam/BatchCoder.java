package org.millrace.api.beam;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.millrace.api.data.ArrowConversion;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;

/**
 * Encodes a {@link Batch} as a length-prefixed Arrow IPC stream (schema + one record batch), so
 * batches cross Beam workers and Spark shuffles in Arrow's format.
 */
public final class BatchCoder extends CustomCoder<Batch> {
  private static final BatchCoder INSTANCE = new BatchCoder();
  private static final BufferAllocator ALLOCATOR = new RootAllocator();

  private BatchCoder() {}

  public static BatchCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Batch batch, OutputStream out) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var alloc = ALLOCATOR.newChildAllocator("encode", 0, Long.MAX_VALUE);
        var root = VectorSchemaRoot.create(ArrowConversion.toArrow(batch.schema()), alloc);
        var writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      ArrowConversion.fill(batch, root);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    var data = new DataOutputStream(out);
    data.writeInt(bytes.size());
    bytes.writeTo(out);
  }

  @Override
  public Batch decode(InputStream in) throws IOException {
    var data = new DataInputStream(in);
    int length = data.readInt();
    byte[] buf = new byte[length];
    data.readFully(buf);
    try (var alloc = ALLOCATOR.newChildAllocator("decode", 0, Long.MAX_VALUE);
        var reader = new ArrowStreamReader(new java.io.ByteArrayInputStream(buf), alloc)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      DataSchema schema = ArrowConversion.fromArrow(root.getSchema());
      if (!reader.loadNextBatch()) {
        throw new CoderException("Arrow stream expected one record batch, got none");
      }
      return ArrowConversion.toBatch(root, schema);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
