package org.millrace.api.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.range.OffsetRange;

/** An {@link OffsetRange} as two variable-length longs (instead of Java serialization). */
public final class OffsetRangeCoder extends CustomCoder<OffsetRange> {
  private static final OffsetRangeCoder INSTANCE = new OffsetRangeCoder();

  private OffsetRangeCoder() {}

  public static OffsetRangeCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(OffsetRange r, OutputStream out) throws IOException {
    VarLongCoder.of().encode(r.getFrom(), out);
    VarLongCoder.of().encode(r.getTo(), out);
  }

  @Override
  public OffsetRange decode(InputStream in) throws IOException {
    return new OffsetRange(VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
