package org.millrace.transform.analyze;

import java.util.List;
import org.millrace.api.data.Batch;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.graph.Probe;

/**
 * Fits a graph in this JVM over in-memory batches (all phases): for tests, small data and
 * notebooks. The Transform component runs the same phases as Beam combiners instead.
 */
public final class LocalAnalysis {
  private LocalAnalysis() {}

  /** Runs every phase of {@code builder} over {@code batches} and returns the fitted graph. */
  public static Graph fit(GraphBuilder builder, List<Batch> batches) {
    for (List<Probe> probes = builder.pendingProbes(); !probes.isEmpty(); probes = builder.pendingProbes()) {
      builder.fit(accumulate(probes, batches));
    }
    return builder.build();
  }

  /** One pass: an accumulator per probe over all batches. */
  public static List<Accumulator> accumulate(List<Probe> probes, Iterable<Batch> batches) {
    List<Accumulator> accs = Accumulators.empty(probes.stream().map(Probe::categorical).toList());
    for (Batch b : batches) {
      for (int i = 0; i < probes.size(); i++) {
        accs.get(i).add(probes.get(i).values(b));
      }
    }
    return accs;
  }
}
