package org.millrace.trainer.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (readable by Python's {@code safetensors}): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the data.
 * Only F32 tensors are written and read.
 */
public final class SafeTensors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /** A named float32 tensor. */
  public record Tensor(List<Integer> shape, float[] data) {
    public Tensor {
      shape = List.copyOf(shape);
      long n = shape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
      if (n != data.length) {
        throw new IllegalArgumentException("tensor expected " + n + " values for shape " + shape + ", got " + data.length);
      }
    }
  }

  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      header.set("__metadata__", JSON.valueToTree(metadata));
    }
    long offset = 0;
    for (var e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      e.getValue().shape().forEach(shape::add);
      long bytes = 4L * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] h = JSON.writeValueAsBytes(header);
    int pad = (8 - h.length % 8) % 8;
    byte[] padded = new byte[h.length + pad];
    System.arraycopy(h, 0, padded, 0, h.length);
    java.util.Arrays.fill(padded, h.length, padded.length, (byte) ' ');
    var buf = ByteBuffer.allocate(8 + padded.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(padded.length).put(padded);
    for (Tensor t : tensors.values()) {
      for (float f : t.data()) {
        buf.putFloat(f);
      }
    }
    Files.write(file, buf.array());
  }

  /** Reads every tensor; errors name the file and the tensor. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 8) {
      throw new IllegalArgumentException("safetensors file " + file + " expected an 8-byte header length, got "
          + all.length + " bytes (truncated)");
    }
    var buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = buf.getLong();
    if (headerLen <= 0 || 8 + headerLen > all.length) {
      throw new IllegalArgumentException("safetensors file " + file + " expected a header of at most "
          + (all.length - 8) + " bytes, got a header length of " + headerLen + " (truncated or not safetensors)");
    }
    JsonNode header = JSON.readTree(new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
    int base = 8 + (int) headerLen;
    var out = new LinkedHashMap<String, Tensor>();
    for (var it = header.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = e.getValue();
      String dtype = t.path("dtype").asText();
      if (!dtype.equals("F32")) {
        throw new IllegalArgumentException("tensor '" + e.getKey() + "' in " + file + " expected dtype F32, got " + dtype);
      }
      var shape = new java.util.ArrayList<Integer>();
      t.path("shape").forEach(d -> shape.add(d.asInt()));
      long start = t.path("data_offsets").get(0).asLong();
      long end = t.path("data_offsets").get(1).asLong();
      if (base + end > all.length || start > end) {
        throw new IllegalArgumentException("tensor '" + e.getKey() + "' in " + file + " expected bytes " + start + ".."
            + end + " of the data, got a file with " + (all.length - base) + " data bytes (truncated)");
      }
      float[] data = new float[(int) ((end - start) / 4)];
      var view = ByteBuffer.wrap(all, base + (int) start, (int) (end - start)).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < data.length; i++) {
        data[i] = view.getFloat();
      }
      try {
        out.put(e.getKey(), new Tensor(shape, data));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("tensor '" + e.getKey() + "' in " + file + ": " + bad.getMessage(), bad);
      }
    }
    return out;
  }
}
