package org.millrace.ingest.csv;

import java.nio.charset.StandardCharsets;

/**
 * The hash that sends a row to its split: FNV-1a (64 bit) over the UTF-8 bytes of the row's raw text
 * (or of its {@code split_by} value), each byte taken signed, as Java widens it. One definition for
 * every reader that computes it as it goes (CSV from its bytes, Parquet from its values) and for
 * the text of other formats, so that the same row splits the same way whichever computed it.
 */
public final class SplitHash {
  /** The hash of no bytes. */
  public static final long EMPTY = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private SplitHash() {}

  /** {@code h} continued by one byte. */
  public static long add(long h, byte b) {
    return (h ^ b) * PRIME;
  }

  /** {@code h} continued by the bytes of an ASCII text (its chars are its bytes). */
  public static long addAscii(long h, String ascii) {
    for (int k = 0; k < ascii.length(); k++) {
      h = (h ^ ascii.charAt(k)) * PRIME;
    }
    return h;
  }

  /** The hash of a text's UTF-8 bytes. */
  public static long of(String text) {
    long h = EMPTY;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h = add(h, b);
    }
    return h;
  }
}
