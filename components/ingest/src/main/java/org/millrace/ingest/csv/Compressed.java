package org.millrace.ingest.csv;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Gzip-compressed input files ({@code .gz}): read decompressed, as one range (a gzip stream
 * cannot be entered in the middle), with byte offsets counted in the decompressed data.
 */
public final class Compressed {
  private Compressed() {}

  /** Whether ExampleGen reads {@code file} through gzip: its name ends in {@code .gz}. */
  public static boolean isGzip(String file) {
    return file.toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  /** {@code file}'s name without a {@code .gz} suffix: what its format is told by. */
  public static String uncompressedName(String file) {
    return isGzip(file) ? file.substring(0, file.length() - 3) : file;
  }

  /** {@code raw} decompressed when {@code file} is gzip, else {@code raw} itself. */
  public static InputStream decompressed(String file, InputStream raw) throws IOException {
    if (!isGzip(file)) {
      return raw;
    }
    try {
      return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
    } catch (java.util.zip.ZipException e) {
      raw.close();
      throw new IllegalArgumentException(file + ": expected gzip data (the name ends in .gz), got " + e.getMessage(), e);
    }
  }
}
