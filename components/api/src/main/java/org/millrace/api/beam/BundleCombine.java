package org.millrace.api.beam;

import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code Combine.globally} that stays in bounded memory on every runner: each bundle adds its
 * inputs to one accumulator, emitted when the bundle ends, and only accumulators are merged. (The
 * DirectRunner does not lift combiners, so a plain {@code Combine.globally} groups every input
 * element, e.g. every batch of a split, in memory first.) For globally windowed, bounded input.
 */
public final class BundleCombine {
  private BundleCombine() {}

  public static <InT, AccT, OutT> PTransform<PCollection<InT>, PCollection<OutT>> globally(
      Combine.CombineFn<InT, AccT, OutT> fn) {
    return new PTransform<>() {
      @Override
      public PCollection<OutT> expand(PCollection<InT> input) {
        Coder<AccT> accCoder;
        Coder<OutT> outCoder;
        try {
          accCoder = fn.getAccumulatorCoder(input.getPipeline().getCoderRegistry(), input.getCoder());
          outCoder = fn.getDefaultOutputCoder(input.getPipeline().getCoderRegistry(), input.getCoder());
        } catch (CannotProvideCoderException e) {
          throw new IllegalArgumentException("combine expected accumulator and output coders from "
              + fn.getClass().getName() + ", got none: " + e.getMessage(), e);
        }
        return input
            .apply("AddPerBundle", ParDo.of(new PartialFn<>(fn))).setCoder(accCoder)
            .apply("MergeAccumulators", Combine.globally(new MergeFn<>(fn, accCoder, outCoder)))
            .setCoder(outCoder);
      }
    };
  }

  static final class PartialFn<InT, AccT> extends DoFn<InT, AccT> {
    private final Combine.CombineFn<InT, AccT, ?> fn;
    private transient AccT acc;

    PartialFn(Combine.CombineFn<InT, AccT, ?> fn) {
      this.fn = fn;
    }

    @StartBundle
    public void start() {
      acc = null;
    }

    @ProcessElement
    public void process(@Element InT in) {
      acc = fn.addInput(acc == null ? fn.createAccumulator() : acc, in);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      if (acc != null) {
        c.output(acc, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
        acc = null;
      }
    }
  }

  static final class MergeFn<AccT, OutT> extends Combine.CombineFn<AccT, AccT, OutT> {
    private final Combine.CombineFn<?, AccT, OutT> fn;
    private final Coder<AccT> accCoder;
    private final Coder<OutT> outCoder;

    MergeFn(Combine.CombineFn<?, AccT, OutT> fn, Coder<AccT> accCoder, Coder<OutT> outCoder) {
      this.fn = fn;
      this.accCoder = accCoder;
      this.outCoder = outCoder;
    }

    @Override
    public Coder<OutT> getDefaultOutputCoder(CoderRegistry registry, Coder<AccT> inputCoder) {
      return outCoder;
    }

    @Override
    public AccT createAccumulator() {
      return fn.createAccumulator();
    }

    @Override
    public AccT addInput(AccT acc, AccT partial) {
      return fn.mergeAccumulators(List.of(acc, partial));
    }

    @Override
    public AccT mergeAccumulators(Iterable<AccT> accs) {
      return fn.mergeAccumulators(accs);
    }

    @Override
    public OutT extractOutput(AccT acc) {
      return fn.extractOutput(acc);
    }

    @Override
    public Coder<AccT> getAccumulatorCoder(CoderRegistry registry, Coder<AccT> inputCoder) {
      return accCoder;
    }
  }
}
