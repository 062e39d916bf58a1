package org.millrace.transform.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.millrace.transform.analyze.Accumulator;
import org.millrace.transform.analyze.Accumulators;

/** Analyzer state between workers: the same exact JSON the analyzer cache stores. */
final class AccumulatorsCoder extends CustomCoder<List<Accumulator>> {
  private static final StringUtf8Coder STRINGS = StringUtf8Coder.of();

  @Override
  public void encode(List<Accumulator> value, OutputStream out) throws IOException {
    STRINGS.encode(Accumulators.toJson(value), out);
  }

  @Override
  public List<Accumulator> decode(InputStream in) throws IOException {
    return Accumulators.fromJson(STRINGS.decode(in));
  }
}
