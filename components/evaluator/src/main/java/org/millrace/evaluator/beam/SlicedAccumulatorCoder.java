package org.millrace.evaluator.beam;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.millrace.evaluator.SlicedAccumulator;

/** Beam coder of {@link SlicedAccumulator} (its own binary encoding, no Java serialization). */
public final class SlicedAccumulatorCoder extends AtomicCoder<SlicedAccumulator> {
  private static final SlicedAccumulatorCoder INSTANCE = new SlicedAccumulatorCoder();

  public static SlicedAccumulatorCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(SlicedAccumulator value, OutputStream out) throws IOException {
    var data = new DataOutputStream(out);
    value.write(data);
    data.flush();
  }

  @Override
  public SlicedAccumulator decode(InputStream in) throws IOException {
    return SlicedAccumulator.read(new DataInputStream(in));
  }
}
