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
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.BeamResults;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.Batch;
import org.millrace.transform.analyze.Accumulator;
import org.millrace.transform.analyze.Accumulators;
import org.millrace.transform.graph.Probe;

/**
 * Runs one analyzer phase on Beam: for each group of split directories (one group per span, so
 * span results can be cached), a full pass combining into one accumulator per probe.
 */
public final class BeamAnalyzer {
  private final List<String> beamArgs;
  private final Path workDir;

  public BeamAnalyzer(List<String> beamArgs, Path workDir) {
    this.beamArgs = List.copyOf(beamArgs);
    this.workDir = workDir;
  }

  /** Accumulators per group key; all groups in one Beam pipeline. */
  public Map<String, List<Accumulator>> run(String phaseName, Map<String, List<Path>> groups, List<Probe> probes) {
    Pipeline p = BeamPipelines.create(beamArgs);
    // Results travel through Beam's FileSystems: the workers need not share the driver's disk.
    String results = BeamResults.directory(p.getOptions(), workDir);
    var files = new LinkedHashMap<String, String>();
    int g = 0;
    for (var e : groups.entrySet()) {
      String step = phaseName + "G" + g;
      String out = BeamResults.location(results, phaseName, "group-" + g++ + ".json");
      files.put(e.getKey(), out);
      PCollectionList<Batch> parts = PCollectionList.empty(p);
      int s = 0;
      for (Path dir : e.getValue()) {
        parts = parts.and(p.apply(step + "Read" + s++, ExamplesBeamIO.read(dir)));
      }
      PCollection<Batch> all = parts.apply(step + "Flatten", Flatten.pCollections());
      all.apply(step + "Analyze", Combine.globally(new AnalyzeFn(probes)))
          .setCoder(StringUtf8Coder.of())
          .apply(step + "Write", ParDo.of(BeamResults.writeText(out)));
    }
    BeamPipelines.run(p);
    var result = new LinkedHashMap<String, List<Accumulator>>();
    for (var e : files.entrySet()) {
      try {
        result.put(e.getKey(), Accumulators.fromJson(BeamResults.readText(e.getValue())));
        BeamResults.delete(List.of(e.getValue()));
      } catch (IOException ex) {
        throw new IllegalStateException("BUG: analyzer pass wrote no result " + e.getValue() + ": " + ex, ex);
      }
    }
    return result;
  }
}
