package org.millrace.transform.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;

/** Post-transform statistics are the same text whatever bundles the batches came in and in whatever order. */
class DenseStatsOrderTest {
  private static final int DIM = 3;

  private static Batch batch(Random rnd, int rows) {
    float[] x = new float[rows * DIM];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextGaussian() * 1e3 + i % 7 * 0.1);
    }
    return new Batch(ApplyFn.outputSchema(DIM), List.of(new Column.FloatVectors(x, DIM, new BitSet()),
        new Column.Doubles(new double[rows], new BitSet())));
  }

  private static String combine(DenseStats fn, List<List<Batch>> bundles) {
    var accs = new ArrayList<DenseStats.Acc>();
    for (List<Batch> bundle : bundles) {
      DenseStats.Acc a = fn.createAccumulator();
      for (Batch b : bundle) {
        a = fn.addInput(a, b);
      }
      accs.add(a);
    }
    return fn.extractOutput(fn.mergeAccumulators(accs));
  }

  @Test
  void sameJsonWhateverTheBundlesAndMergeOrder() {
    var rnd = new Random(3);
    List<Batch> b = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      b.add(batch(rnd, 50 + i));
    }
    var fn = new DenseStats(List.of("a", "b", "c"));
    String one = combine(fn, List.of(b));
    String two = combine(fn, List.of(List.of(b.get(11), b.get(3), b.get(5)), List.of(b.get(0), b.get(1)),
        List.of(b.get(7), b.get(2), b.get(4), b.get(6), b.get(8), b.get(9), b.get(10))));
    var reversed = new ArrayList<List<Batch>>();
    for (int i = b.size() - 1; i >= 0; i--) {
      reversed.add(List.of(b.get(i)));
    }
    String three = combine(fn, reversed);
    assertEquals(one, two);
    assertEquals(one, three);
  }
}
