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
      return new BufferedInputStream(new Damage(file, new GZIPInputStream(raw, 1 << 16)), 1 << 16);
    } catch (java.util.zip.ZipException e) {
      raw.close();
      throw new IllegalArgumentException(file + ": expected gzip data (the name ends in .gz), got " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      raw.close();
      throw new IllegalArgumentException(file + ": expected gzip data (the name ends in .gz), got a file that ends"
          + " within its gzip header: truncated; copy or download it again", e);
    }
  }

  /**
   * A gzip stream cut short (a copy that stopped, a download that broke off) or damaged within:
   * the JDK's EOFException ("Unexpected end of ZLIB input stream") or ZipException names neither
   * the file nor how far it read; this names both, as bad input (an IllegalArgumentException, which
   * the CLI reports as a usage error, exit 2, and a node as its error).
   */
  private static final class Damage extends java.io.FilterInputStream {
    private final String file;
    private long read;

    Damage(String file, InputStream in) {
      super(in);
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        read += b >= 0 ? 1 : 0;
        return b;
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        throw damaged(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = super.read(b, off, len);
        read += Math.max(0, n);
        return n;
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        throw damaged(e);
      }
    }

    private IllegalArgumentException damaged(IOException e) {
      return new IllegalArgumentException(file + ": expected a whole gzip stream, got one "
          + (e instanceof java.io.EOFException ? "cut short" : "damaged (" + e.getMessage() + ")") + " after "
          + read + " bytes of text: the file is truncated or corrupt; copy or download it again", e);
    }
  }
}
