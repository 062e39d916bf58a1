package org.millrace.evaluator.beam;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.Batch;
import org.millrace.evaluator.SlicedAccumulator;

/** Builds and runs the evaluation pipeline: one read of the split, one CombineFn per model. */
public final class EvaluateModels {
  private EvaluateModels() {}

  /**
   * Evaluates each model over the split; returns the accumulators in model order.
   *
   * @param workDir directory (visible to the workers) where results are written
   */
  public static List<SlicedAccumulator> run(List<String> beamArgs, Path splitDir, List<Path> models,
      List<List<String>> specs, String weightColumn, int buckets, Path workDir) {
    Pipeline p = BeamPipelines.create(beamArgs);
    PCollection<Batch> batches = p.apply("ReadExamples", ExamplesBeamIO.read(splitDir));
    for (int i = 0; i < models.size(); i++) {
      Path out = workDir.resolve("model-" + i + ".acc");
      try {
        Files.deleteIfExists(out);
      } catch (IOException e) {
        throw new UncheckedIOException("could not clear " + out, e);
      }
      batches.apply("Evaluate" + i,
              Combine.globally(new EvalCombineFn(models.get(i), specs, weightColumn, buckets)).withoutDefaults())
          .apply("Write" + i, ParDo.of(new WriteFn(out.toString())));
    }
    BeamPipelines.run(p);
    return read(workDir, models.size());
  }

  private static List<SlicedAccumulator> read(Path workDir, int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> {
      Path f = workDir.resolve("model-" + i + ".acc");
      if (!Files.exists(f)) {
        return new SlicedAccumulator(); // empty split: the combine emits nothing
      }
      try (var in = new DataInputStream(Files.newInputStream(f))) {
        return SlicedAccumulator.read(in);
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
      Path target = Path.of(path);
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      try (var out = new DataOutputStream(Files.newOutputStream(tmp))) {
        acc.write(out);
      }
      Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
