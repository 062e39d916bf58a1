package org.millrace.api.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;

/**
 * Runs a combine function the way a runner may: the rows in a random order, cut into random
 * batches over random bundles (accumulators), each accumulator through the coder (a worker
 * boundary), then merged in a random tree. Tests of order independence compare the output of
 * several seeds (StatisticsMergeOrderTest, AnalyzeMergeOrderTest).
 */
public final class RandomCombines {
  private RandomCombines() {}

  /**
   * The final accumulator of {@code fn} over {@code all}; batches are 1..{@code small} or
   * 1..{@code large} rows, at random.
   */
  public static <A> A combine(Combine.CombineFn<Batch, A, ?> fn, Coder<A> coder, DataSchema schema,
      List<Object[]> all, Random rnd, int small, int large) throws IOException {
    var rows = new ArrayList<>(all);
    Collections.shuffle(rows, rnd);
    var accs = new ArrayList<A>();
    int bundles = 1 + rnd.nextInt(7);
    for (int i = 0; i < bundles; i++) {
      accs.add(fn.createAccumulator());
    }
    for (int at = 0; at < rows.size(); ) {
      int n = Math.min(rows.size() - at, 1 + rnd.nextInt(rnd.nextBoolean() ? small : large));
      int a = rnd.nextInt(bundles);
      accs.set(a, fn.addInput(accs.get(a), batch(schema, rows.subList(at, at + n))));
      at += n;
    }
    for (int i = 0; i < accs.size(); i++) {
      accs.set(i, viaCoder(coder, accs.get(i)));
    }
    while (accs.size() > 1) {
      Collections.shuffle(accs, rnd);
      int g = 2 + rnd.nextInt(Math.min(3, accs.size() - 1));
      var group = new ArrayList<>(accs.subList(0, g));
      accs.subList(0, g).clear();
      accs.add(viaCoder(coder, fn.mergeAccumulators(group)));
    }
    return accs.get(0);
  }

  /** A batch of the given rows. */
  public static Batch batch(DataSchema schema, List<Object[]> rows) {
    var b = new BatchBuilder(schema, rows.size());
    rows.forEach(b::addRow);
    return b.build();
  }

  /** An accumulator encoded and decoded, as it crosses from one worker to another. */
  public static <A> A viaCoder(Coder<A> coder, A acc) throws IOException {
    var out = new ByteArrayOutputStream();
    coder.encode(acc, out);
    return coder.decode(new ByteArrayInputStream(out.toByteArray()));
  }
}
