package org.millrace.transform.beam;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.transform.analyze.Accumulator;
import org.millrace.transform.analyze.Accumulators;
import org.millrace.transform.graph.Probe;

/**
 * One analyzer pass as a {@code CombineFn}: each batch adds to one accumulator per analysis point;
 * the output is the merged state as JSON. Holds the probes as JSON strings (serializable).
 */
final class AnalyzeFn extends Combine.CombineFn<Batch, List<Accumulator>, String> {
  private final List<String> probeJson;
  private transient List<Probe> probes;

  AnalyzeFn(List<Probe> probes) {
    this.probeJson = new ArrayList<>(probes.stream().map(Probe::toJson).toList());
  }

  private List<Probe> probes() {
    if (probes == null) {
      probes = probeJson.stream().map(Probe::fromJson).toList();
    }
    return probes;
  }

  @Override
  public List<Accumulator> createAccumulator() {
    return Accumulators.empty(probes().stream().map(Probe::categorical).toList());
  }

  @Override
  public List<Accumulator> addInput(List<Accumulator> acc, Batch batch) {
    List<Probe> p = probes();
    for (int i = 0; i < p.size(); i++) {
      acc.get(i).add(p.get(i).values(batch));
    }
    return acc;
  }

  @Override
  public List<Accumulator> mergeAccumulators(Iterable<List<Accumulator>> accs) {
    List<Accumulator> out = createAccumulator();
    for (List<Accumulator> a : accs) {
      Accumulators.mergeInto(out, a);
    }
    return out;
  }

  @Override
  public String extractOutput(List<Accumulator> acc) {
    return Accumulators.toJson(acc);
  }

  @Override
  public Coder<List<Accumulator>> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> input)
      throws CannotProvideCoderException {
    return new AccumulatorsCoder();
  }
}
