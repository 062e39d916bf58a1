package org.millrace.ingest.csv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 checks for bad-row reporting: where the first invalid byte is, and text that keeps the bytes. */
public final class Utf8 {
  private Utf8() {}

  /** The index of the first byte of the first invalid sequence in {@code bytes}, or -1 when all is UTF-8. */
  public static int firstInvalid(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    if (i == bytes.length) {
      return -1; // all ASCII, the usual case: no decoder needed
    }
    CharsetDecoder d = decoder();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
    CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      return in.position();
    }
    return d.flush(out).isError() ? in.position() : -1;
  }

  /** The bytes as text: valid UTF-8 decoded, each invalid byte written as {@code \xNN}. */
  public static String escape(byte[] bytes) {
    CharsetDecoder d = decoder();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
    var sb = new StringBuilder(bytes.length + 8);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      out.flip();
      sb.append(out);
      out.clear();
      if (r.isError()) {
        for (int i = 0; i < r.length(); i++) {
          sb.append(String.format("\\x%02X", bytes[in.position()] & 0xFF));
          in.position(in.position() + 1);
        }
      } else if (!in.hasRemaining()) {
        return sb.toString();
      }
    }
  }

  /** A problem text: {@code expected UTF-8 text, got invalid byte 0xNN at byte offset N (byte k of the line)}. */
  public static String problem(byte[] bytes, int at, long startOffset, String unit) {
    return String.format("expected UTF-8 text, got invalid byte 0x%02X at byte offset %d (byte %d of the %s)",
        bytes[at] & 0xFF, startOffset + at, at + 1, unit);
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }
}
