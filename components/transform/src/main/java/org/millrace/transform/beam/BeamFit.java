package org.millrace.transform.beam;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.transform.analyze.Accumulator;
import org.millrace.transform.analyze.Accumulators;
import org.millrace.transform.analyze.AnalyzerCache;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.graph.Probe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a graph on Beam, phase by phase, one analyzer pass per phase over the analyze splits of
 * every input span. With a cache, each span's state per phase is looked up first and only the
 * missing spans are computed (in one pipeline); states then merge (order-free, exact).
 */
public final class BeamFit {
  private static final Logger LOG = LoggerFactory.getLogger(BeamFit.class);

  /** A span: its id (for cache keys) and the analyze split directories. */
  public record Span(String id, List<Path> analyzeDirs) {}

  /** The fitted graph and what it cost. */
  public record Result(Graph graph, int phases, int spanPassesComputed, int spanPassesCached) {}

  private final BeamAnalyzer analyzer;
  private final AnalyzerCache cache;

  /** @param cache analyzer cache, or null for none */
  public BeamFit(List<String> beamArgs, Path workDir, AnalyzerCache cache) {
    this.analyzer = new BeamAnalyzer(beamArgs, workDir);
    this.cache = cache;
  }

  public Result fit(GraphBuilder builder, List<Span> spans) {
    int computed = 0;
    int cached = 0;
    for (List<Probe> probes = builder.pendingProbes(); !probes.isEmpty(); probes = builder.pendingProbes()) {
      String phase = "Phase" + builder.phase();
      List<Accumulator> total = Accumulators.empty(probes.stream().map(Probe::categorical).toList());
      if (cache == null) {
        var all = new ArrayList<Path>();
        spans.forEach(s -> all.addAll(s.analyzeDirs()));
        Accumulators.mergeInto(total, analyzer.run(phase, Map.of("all", all), probes).get("all"));
        computed += spans.size();
      } else {
        var missing = new LinkedHashMap<String, List<Path>>();
        var keys = new LinkedHashMap<String, String>();
        for (Span s : spans) {
          String key = AnalyzerCache.key(s.id(), s.analyzeDirs(), probes);
          var hit = cache.load(key);
          if (hit.isPresent()) {
            Accumulators.mergeInto(total, hit.get());
            cached++;
          } else {
            missing.put(s.id(), s.analyzeDirs());
            keys.put(s.id(), key);
          }
        }
        if (!missing.isEmpty()) {
          for (var e : analyzer.run(phase, missing, probes).entrySet()) {
            cache.store(keys.get(e.getKey()), e.getValue());
            Accumulators.mergeInto(total, e.getValue());
            computed++;
          }
        }
      }
      LOG.info("transform analyze {}: {} analysis points fitted", phase, probes.size());
      builder.fit(total);
    }
    return new Result(builder.build(), builder.phase(), computed, cached);
  }
}
