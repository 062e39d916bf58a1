package org.millrace.evaluator.beam;

import org.millrace.api.model.Predictor;
import org.millrace.api.model.PredictorLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.evaluator.SliceKeys;
import org.millrace.evaluator.SliceLimits;
import org.millrace.evaluator.SlicedAccumulator;

/** Runs one model over raw batches and accumulates per-slice metric statistics. */
public final class EvalCombineFn extends Combine.CombineFn<Batch, SlicedAccumulator, SlicedAccumulator> {
  private final String modelDir;
  private final ArrayList<ArrayList<String>> specs;
  private final String weightColumn;
  private final int buckets;
  private final SliceLimits limits;
  private transient ThreadLocal<Predictor> predictor;

  public EvalCombineFn(Path modelDir, List<List<String>> specs, String weightColumn, int buckets) {
    this(modelDir, specs, weightColumn, buckets, SliceLimits.none());
  }

  public EvalCombineFn(Path modelDir, List<List<String>> specs, String weightColumn, int buckets,
      SliceLimits limits) {
    this.limits = limits;
    this.modelDir = modelDir.toString();
    this.specs = new ArrayList<>();
    specs.forEach(s -> this.specs.add(new ArrayList<>(s)));
    this.weightColumn = weightColumn;
    this.buckets = buckets;
  }

  private Predictor predictor() {
    if (predictor == null) {
      synchronized (this) {
        if (predictor == null) {
          predictor = ThreadLocal.withInitial(() -> PredictorLoader.load(Path.of(modelDir)));
        }
      }
    }
    return predictor.get();
  }

  @Override
  public SlicedAccumulator createAccumulator() {
    return new SlicedAccumulator();
  }

  @Override
  public SlicedAccumulator addInput(SlicedAccumulator acc, Batch batch) {
    List<List<String>> s = new ArrayList<>(specs);
    SliceKeys.check(batch, s);
    acc.add(batch, predictor().predict(batch), s, weightColumn, buckets, limits);
    return acc;
  }

  @Override
  public SlicedAccumulator mergeAccumulators(Iterable<SlicedAccumulator> accs) {
    var out = new SlicedAccumulator();
    accs.forEach(out::merge);
    return out;
  }

  @Override
  public SlicedAccumulator extractOutput(SlicedAccumulator acc) {
    return acc;
  }

  @Override
  public Coder<SlicedAccumulator> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> inputCoder) {
    return SlicedAccumulatorCoder.of();
  }

  @Override
  public Coder<SlicedAccumulator> getDefaultOutputCoder(CoderRegistry registry, Coder<Batch> inputCoder) {
    return SlicedAccumulatorCoder.of();
  }
}
