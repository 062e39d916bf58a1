package org.millrace.ingest.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Bytes {@code [from, to)} of a file whose first record starts at {@code from}, on line {@code line}. */
public record TextRange(long from, long to, long line) {
  public TextRange {
    if (from > to) {
      throw new IllegalArgumentException("range expected from <= to, got [" + from + ", " + to + ")");
    }
  }

  /** Three variable-length longs. */
  public static final class Coder extends CustomCoder<TextRange> {
    public static final Coder INSTANCE = new Coder();

    @Override
    public void encode(TextRange r, OutputStream out) throws IOException {
      VarLongCoder.of().encode(r.from(), out);
      VarLongCoder.of().encode(r.to(), out);
      VarLongCoder.of().encode(r.line(), out);
    }

    @Override
    public TextRange decode(InputStream in) throws IOException {
      return new TextRange(VarLongCoder.of().decode(in), VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
