package org.millrace.trainer.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protocol-buffers message being written, field by field, in the wire format (varints,
 * length-delimited fields, fixed 32-bit floats): enough to write ONNX's messages without code
 * generated from onnx.proto. Repeated scalars are written unpacked, which every parser reads.
 */
final class Proto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A varint field (int32, int64, enum). */
  Proto varint(int field, long value) {
    tag(field, 0);
    raw(value);
    return this;
  }

  Proto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  Proto bytes(int field, byte[] value) {
    tag(field, 2);
    raw(value.length);
    out.writeBytes(value);
    return this;
  }

  Proto message(int field, Proto value) {
    return bytes(field, value.toByteArray());
  }

  /** A float field (wire type 5, little-endian). */
  Proto float32(int field, float value) {
    tag(field, 5);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i) & 0xFF);
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    raw((long) field << 3 | wireType);
  }

  private void raw(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
