package org.millrace.api.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A temporary part file one bundle wrote: its path, the shard it belongs to ({@code -1} when the
 * write has no fixed shard count), its rows, and a key derived from its content that orders the
 * final part names.
 */
public record TempPart(String file, int shard, long rows, long key) {
  /** A part of a write without a fixed shard count. */
  public static final int NO_SHARD = -1;

  /** Content key first, so the final names do not depend on temporary (random) file names. */
  static final Comparator<TempPart> ORDER = Comparator.comparingInt(TempPart::shard)
      .thenComparingLong(TempPart::key).thenComparingLong(TempPart::rows).thenComparing(TempPart::file);

  /** Path, shard, rows and key as a string and three variable-length numbers. */
  public static final class Coder extends CustomCoder<TempPart> {
    public static final Coder INSTANCE = new Coder();

    @Override
    public void encode(TempPart p, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(p.file(), out);
      VarIntCoder.of().encode(p.shard() + 1, out);
      VarLongCoder.of().encode(p.rows(), out);
      VarLongCoder.of().encode(p.key(), out);
    }

    @Override
    public TempPart decode(InputStream in) throws IOException {
      return new TempPart(StringUtf8Coder.of().decode(in), VarIntCoder.of().decode(in) - 1,
          VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
