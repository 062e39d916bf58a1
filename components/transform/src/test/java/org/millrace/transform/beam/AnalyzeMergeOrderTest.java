package org.millrace.transform.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterBinder;
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

  private static Batch batch(List<Object[]> rows) {
    var b = new BatchBuilder(SCHEMA, rows.size());
    rows.forEach(b::addRow);
    return b.build();
  }

  private static List<Accumulator> viaCoder(List<Accumulator> acc) throws IOException {
    var coder = new AccumulatorsCoder();
    var out = new ByteArrayOutputStream();
    coder.encode(acc, out);
    return coder.decode(new ByteArrayInputStream(out.toByteArray()));
  }

  /** One phase: rows in a random order, cut into random batches over random bundles, merged in a random tree. */
  private static List<Accumulator> phase(List<Probe> probes, List<Object[]> all, Random rnd) throws IOException {
    var rows = new ArrayList<>(all);
    Collections.shuffle(rows, rnd);
    var fn = new AnalyzeFn(probes);
    var accs = new ArrayList<List<Accumulator>>();
    int bundles = 1 + rnd.nextInt(7);
    for (int i = 0; i < bundles; i++) {
      accs.add(fn.createAccumulator());
    }
    for (int at = 0; at < rows.size(); ) {
      int n = Math.min(rows.size() - at, 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 2_000));
      int a = rnd.nextInt(bundles);
      accs.set(a, fn.addInput(accs.get(a), batch(rows.subList(at, at + n))));
      at += n;
    }
    for (int i = 0; i < accs.size(); i++) {
      accs.set(i, viaCoder(accs.get(i)));
    }
    while (accs.size() > 1) {
      Collections.shuffle(accs, rnd);
      int g = 2 + rnd.nextInt(Math.min(3, accs.size() - 1));
      var group = new ArrayList<>(accs.subList(0, g));
      accs.subList(0, g).clear();
      accs.add(viaCoder(fn.mergeAccumulators(group)));
    }
    // What BeamAnalyzer reads back from the combine's output.
    return Accumulators.fromJson(fn.extractOutput(accs.get(0)));
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
