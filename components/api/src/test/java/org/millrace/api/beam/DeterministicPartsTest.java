package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.SplitWriter;

/**
 * A sharded write's part files are a function of the batches written, not of how a runner grouped
 * them into bundles nor of the order it processed them in.
 */
class DeterministicPartsTest {
  @TempDir
  Path dir;

  @Test
  void samePartBytesWhateverTheBundlesAndTheirOrder() throws Exception {
    List<Batch> b = ExamplesBeamIOTest.batches(10, 7);
    byte[] one = finalizeShard("a", List.of(List.of(b.get(0), b.get(1), b.get(2)),
        List.of(b.get(3), b.get(4), b.get(5), b.get(6), b.get(7), b.get(8), b.get(9))));
    byte[] two = finalizeShard("b", List.of(List.of(b.get(9), b.get(3)),
        List.of(b.get(5), b.get(1), b.get(0), b.get(2)), List.of(b.get(4), b.get(6), b.get(8), b.get(7))));
    byte[] three = finalizeShard("c", List.of(List.of(b.get(7), b.get(6), b.get(5), b.get(4), b.get(3), b.get(2),
        b.get(1), b.get(0), b.get(9), b.get(8))));
    assertArrayEquals(one, two, "the part written from other bundles expected byte-identical");
    assertArrayEquals(one, three, "the part written from one bundle in another order expected byte-identical");
    assertEquals(70, ExamplesIO.readAll(dir.resolve("a")).rowCount());
  }

  /** Writes each bundle's batches into a temporary part (as WriteTempFn does) and finalizes shard 0. */
  private byte[] finalizeShard(String name, List<List<Batch>> bundles) throws Exception {
    Path split = dir.resolve(name);
    Path temp = Files.createDirectories(dir.resolve("temp-" + name));
    var parts = new ArrayList<TempPart>();
    int n = 0;
    for (List<Batch> bundle : bundles) {
      SplitWriter w = SplitWriter.create(temp.resolve("t" + n++ + ".arrow"), ExamplesBeamIOTest.SCHEMA);
      long key = Long.MAX_VALUE;
      for (Batch batch : bundle) {
        w.write(batch);
        key = Math.min(key, ExamplesBeamIO.contentKey(batch));
      }
      w.close();
      parts.add(new TempPart(w.file().toString(), 0, w.rowCount(), key));
    }
    var rows = new ArrayList<Long>();
    new ExamplesBeamIO.FinalizeFn(split.toString(), temp.toString(), 1).process(parts, new DoFn.OutputReceiver<>() {
      @Override
      public void output(Long output) {
        rows.add(output);
      }

      @Override
      public void outputWithTimestamp(Long output, Instant timestamp) {
        rows.add(output);
      }
    });
    assertEquals(List.of(70L), rows);
    return Files.readAllBytes(ExamplesIO.parts(split).get(0));
  }
}
