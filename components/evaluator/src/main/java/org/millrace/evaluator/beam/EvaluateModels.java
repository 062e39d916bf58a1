package org.millrace.evaluator.beam;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.BeamResults;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.Batch;
import org.millrace.evaluator.SliceLimits;
import org.millrace.evaluator.SlicedAccumulator;

/** Builds and runs the evaluation pipeline: one read of the split, one CombineFn per model. */
public final class EvaluateModels {
  private EvaluateModels() {}

  /**
   * Evaluates each model over the split; returns the accumulators in model order.
   *
   * @param workDir the driver's directory for the workers' results when the Beam options name no
   *     {@code --tempLocation} (then it must be visible to the workers)
   */
  public static List<SlicedAccumulator> run(List<String> beamArgs, Path splitDir, List<Path> models,
      List<List<String>> specs, String weightColumn, int buckets, Path workDir) {
    return run(beamArgs, splitDir, models, specs, weightColumn, buckets, workDir, SliceLimits.none());
  }

  /** As above, with the slices of capped specs limited to what {@code limits} keeps. */
  public static List<SlicedAccumulator> run(List<String> beamArgs, Path splitDir, List<Path> models,
      List<List<String>> specs, String weightColumn, int buckets, Path workDir, SliceLimits limits) {
    Pipeline p = BeamPipelines.create(beamArgs);
    PCollection<Batch> batches = p.apply("ReadExamples", ExamplesBeamIO.read(splitDir));
    // Each model's accumulator travels from its worker to this driver through Beam's FileSystems.
    String results = BeamResults.directory(p.getOptions(), workDir);
    var locations = new java.util.ArrayList<String>();
    for (int i = 0; i < models.size(); i++) {
      String out = BeamResults.location(results, "model-" + i + ".acc");
      locations.add(out);
      try {
        BeamResults.delete(List.of(out));
      } catch (IOException e) {
        throw new UncheckedIOException("could not clear " + out, e);
      }
      batches.apply("Evaluate" + i,
              Combine.globally(new EvalCombineFn(models.get(i), specs, weightColumn, buckets, limits)).withoutDefaults())
          .apply("Write" + i, ParDo.of(new WriteFn(out)));
    }
    BeamPipelines.run(p);
    return read(locations);
  }

  private static List<SlicedAccumulator> read(List<String> locations) {
    return locations.stream().map(f -> {
      try {
        var bytes = BeamResults.read(f);
        if (bytes.isEmpty()) {
          return new SlicedAccumulator(); // empty split: the combine emits nothing
        }
        BeamResults.delete(List.of(f));
        return SlicedAccumulator.read(new DataInputStream(new java.io.ByteArrayInputStream(bytes.get())));
      } catch (IOException e) {
        throw new UncheckedIOException("evaluation result expected in " + f + ", could not read it", e);
      }
    }).toList();
  }

  static final class WriteFn extends DoFn<SlicedAccumulator, Void> {
    private final String path;

    WriteFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(@Element SlicedAccumulator acc) throws IOException {
      var bytes = new java.io.ByteArrayOutputStream();
      try (var out = new DataOutputStream(bytes)) {
        acc.write(out);
      }
      BeamResults.write(path, bytes.toByteArray());
    }
  }
}
