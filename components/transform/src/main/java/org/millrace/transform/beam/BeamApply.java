package org.millrace.transform.beam;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.millrace.api.beam.BatchCoder;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.BeamResults;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.Batch;
import org.millrace.transform.graph.Graph;

/**
 * The apply pass on Beam: every output split is the transform of its raw split directories
 * (one per input span), written as Arrow parts, plus post-transform statistics per split.
 */
public final class BeamApply {
  private final List<String> beamArgs;
  private final Path workDir;

  public BeamApply(List<String> beamArgs, Path workDir) {
    this.beamArgs = List.copyOf(beamArgs);
    this.workDir = workDir;
  }

  /** Per-split result: rows written and the statistics JSON. */
  public record SplitResult(long rows, String statisticsJson) {}

  /** Transforms {@code inputs} (split name to raw split dirs) into {@code outDir}/Split-&lt;name&gt;. */
  public Map<String, SplitResult> run(Graph graph, Map<String, List<Path>> inputs, Path outDir, int shards) {
    return run(graph, inputs, outDir, shards, List.of(), false);
  }

  /**
   * As above; {@code analyzeSplits} and {@code classesGiven} (the label's classes came from
   * {@code label.classes}) make the error for a label class the graph does not know name the fix.
   */
  public Map<String, SplitResult> run(Graph graph, Map<String, List<Path>> inputs, Path outDir, int shards,
      List<String> analyzeSplits, boolean classesGiven) {
    Pipeline p = BeamPipelines.create(beamArgs);
    String json = graph.toJson();
    var schema = ApplyFn.outputSchema(graph.featureDim());
    // Results travel through Beam's FileSystems: the workers need not share the driver's disk.
    String results = BeamResults.directory(p.getOptions(), workDir);
    var files = new LinkedHashMap<String, String[]>();
    for (var e : inputs.entrySet()) {
      String split = e.getKey();
      String step = "Split_" + split.replaceAll("[^A-Za-z0-9]", "_");
      PCollectionList<Batch> parts = PCollectionList.empty(p);
      int s = 0;
      for (Path dir : e.getValue()) {
        parts = parts.and(p.apply(step + "Read" + s, ExamplesBeamIO.read(dir))
            .apply(step + "Apply" + s, ParDo.of(new ApplyFn(json, dir.toString(), split, analyzeSplits, classesGiven))).setCoder(BatchCoder.of()));
        s++;
      }
      PCollection<Batch> dense = parts.apply(step + "Flatten", Flatten.pCollections());
      String rowsFile = BeamResults.location(results, "apply", split + ".rows");
      String statsFile = BeamResults.location(results, "apply", split + ".stats.json");
      files.put(split, new String[] {rowsFile, statsFile});
      dense.apply(step + "Write", ExamplesBeamIO.write(outDir.resolve("Split-" + split), schema, shards))
          .apply(step + "RowsText", ParDo.of(new ToTextFn())).setCoder(StringUtf8Coder.of())
          .apply(step + "RowsFile", ParDo.of(BeamResults.writeText(rowsFile)));
      dense.apply(step + "Stats", Combine.globally(new DenseStats(graph.featureNames())))
          .setCoder(StringUtf8Coder.of())
          .apply(step + "StatsFile", ParDo.of(BeamResults.writeText(statsFile)));
    }
    BeamPipelines.run(p);
    var out = new LinkedHashMap<String, SplitResult>();
    for (var e : files.entrySet()) {
      try {
        long rows = Long.parseLong(BeamResults.readText(e.getValue()[0]).trim());
        out.put(e.getKey(), new SplitResult(rows, BeamResults.readText(e.getValue()[1])));
        BeamResults.delete(List.of(e.getValue()));
      } catch (IOException ex) {
        throw new IllegalStateException("BUG: apply pass wrote no result for split " + e.getKey() + ": " + ex, ex);
      }
    }
    return out;
  }

  /** Long to text, for the row-count file. */
  static final class ToTextFn extends org.apache.beam.sdk.transforms.DoFn<Long, String> {
    @ProcessElement
    public void process(@Element Long n, OutputReceiver<String> out) {
      out.output(Long.toString(n));
    }
  }
}
