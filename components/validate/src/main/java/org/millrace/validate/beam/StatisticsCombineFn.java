package org.millrace.validate.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.api.statistics.SplitAccumulator;

/**
 * Statistics of a split as a Beam {@code CombineFn} over batches; accumulators cross workers as
 * JSON, so every runner merges the same state.
 */
public final class StatisticsCombineFn extends Combine.CombineFn<Batch, SplitAccumulator, String> {
  private final String split;

  public StatisticsCombineFn(String split) {
    this.split = split;
  }

  @Override
  public SplitAccumulator createAccumulator() {
    return new SplitAccumulator();
  }

  @Override
  public SplitAccumulator addInput(SplitAccumulator acc, Batch batch) {
    acc.add(batch);
    return acc;
  }

  @Override
  public SplitAccumulator mergeAccumulators(Iterable<SplitAccumulator> accs) {
    var out = new SplitAccumulator();
    accs.forEach(out::merge);
    return out;
  }

  @Override
  public String extractOutput(SplitAccumulator acc) {
    return acc.result(split).toJson();
  }

  @Override
  public Coder<SplitAccumulator> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> inputCoder)
      throws CannotProvideCoderException {
    return new AccumulatorCoder();
  }

  /** JSON bytes, length-prefixed. */
  static final class AccumulatorCoder extends CustomCoder<SplitAccumulator> {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Override
    public void encode(SplitAccumulator value, OutputStream out) throws IOException {
      byte[] bytes = JSON.writeValueAsBytes(value);
      new DataOutputStream(out).writeInt(bytes.length);
      out.write(bytes);
    }

    @Override
    public SplitAccumulator decode(InputStream in) throws IOException {
      var data = new DataInputStream(in);
      byte[] bytes = new byte[data.readInt()];
      data.readFully(bytes);
      return JSON.readValue(bytes, SplitAccumulator.class);
    }
  }
}
