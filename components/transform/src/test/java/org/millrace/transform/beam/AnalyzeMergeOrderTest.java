package org.millrace.transform.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.testing.RandomCombines;
import org.millrace.transform.analyze.Accumulator;
import org.millrace.transform.analyze.Accumulators;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.graph.Probe;
import org.millrace.transform.spec.TransformParams;

/**
 * The fitted transform graph (z-score mean/std, min/max, median and mean fills, quantile buckets,
 * a vocabulary) is the same JSON however the rows are cut into batches, spread over bundles,
 * passed through the accumulator coder and merged, in whatever order: several seeded random
 * partitionings and merge trees, every phase through {@link AnalyzeFn} itself.
 */
class AnalyzeMergeOrderTest {
  private static final DataSchema SCHEMA = DataSchema.of(Feature.of("y", FeatureType.STRING, false),
      Feature.of("x", FeatureType.FLOAT, true), Feature.of("c", FeatureType.STRING, true));
  private static final String FEATURES = """
      label: {feature: y}
      features:
        - {feature: x, name: z, ops: [{fill_missing: median}, zscore]}
        - {feature: x, name: mm, ops: [{fill_missing: mean}, min_max]}
        - {feature: x, name: bk, ops: [{fill_missing: {strategy: constant, value: 0}}, {bucketize: {quantiles: 10}}]}
        - {feature: c, name: v, ops: [{fill_missing: mode}, {vocabulary: {top_k: 50}}]}
      """;
  private static final int ROWS = 12_000;

  @SuppressWarnings("unchecked")
  private static TransformParams params() throws IOException {
    return ParameterBinder.bind(TransformParams.class, new ObjectMapper(new YAMLFactory()).readValue(FEATURES, Map.class));
  }

  private static List<Object[]> rows() {
    var rnd = new Random(5);
    var rows = new ArrayList<Object[]>();
    for (int i = 0; i < ROWS; i++) {
      double x = switch (i % 4) {
        case 0 -> rnd.nextGaussian() * 1e-7;
        case 1 -> rnd.nextGaussian() * 1e9;
        default -> rnd.nextGaussian() * 10 + 1e5;
      };
      rows.add(new Object[] {rnd.nextBoolean() ? "a" : "b", i % 101 == 0 ? null : x,
          i % 67 == 0 ? null : "t" + (int) Math.abs(rnd.nextGaussian() * 30)});
    }
    return rows;
  }

  /** One phase: rows in a random order, cut into random batches over random bundles, merged in a random tree. */
  private static List<Accumulator> phase(List<Probe> probes, List<Object[]> all, Random rnd) throws IOException {
    var fn = new AnalyzeFn(probes);
    // What BeamAnalyzer reads back from the combine's output.
    return Accumulators.fromJson(fn.extractOutput(RandomCombines.combine(fn, new AccumulatorsCoder(), SCHEMA, all, rnd,
        40, 2_000)));
  }

  private static String fit(List<Object[]> rows, Random rnd) throws IOException {
    var builder = new GraphBuilder(params(), SCHEMA);
    for (List<Probe> probes = builder.pendingProbes(); !probes.isEmpty(); probes = builder.pendingProbes()) {
      builder.fit(phase(probes, rows, rnd));
    }
    return builder.build().toJson();
  }

  @Test
  void sameGraphWhateverThePartitioningAndMergeOrder() throws IOException {
    List<Object[]> rows = rows();
    String expected = fit(rows, new Random(0));
    for (long seed = 1; seed <= 3; seed++) {
      assertEquals(expected, fit(rows, new Random(seed)), "partitioning and merge order of seed " + seed);
    }
  }
}
