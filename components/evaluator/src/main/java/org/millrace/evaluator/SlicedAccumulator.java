package org.millrace.evaluator;

import org.millrace.api.model.Predictions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;
import org.millrace.evaluator.metrics.SliceAccumulator;

/** Mergeable per-slice accumulators of one model's predictions, keyed by slice key. */
public final class SlicedAccumulator {
  private final Map<String, SliceAccumulator> slices = new TreeMap<>();

  /** The accumulators by slice key (live view). */
  public Map<String, SliceAccumulator> slices() {
    return slices;
  }

  /**
   * Adds the predictions of one raw batch.
   *
   * @param weightColumn numeric column with per-row weights, or null for weight 1
   */
  public void add(Batch batch, Predictions p, List<List<String>> specs, String weightColumn, int buckets) {
    add(batch, p, specs, weightColumn, buckets, SliceLimits.none());
  }

  /** As above, with the slices of capped specs limited to the values {@code limits} keeps. */
  public void add(Batch batch, Predictions p, List<List<String>> specs, String weightColumn, int buckets,
      SliceLimits limits) {
    if (p.rowCount() != batch.rowCount()) {
      throw new IllegalStateException(String.format(
          "predictor expected to return %d rows for the batch, got %d", batch.rowCount(), p.rowCount()));
    }
    Column weights = weightColumn == null ? null : batch.column(weightColumn);
    int classes = p.classes().size();
    int width = p.width();
    double[] scores = p.scores();
    String[] keys = new String[specs.size()];
    for (int r = 0; r < p.rowCount(); r++) {
      double label = p.labels()[r];
      if (Double.isNaN(label)) {
        continue;
      }
      double w = weight(weights, r, weightColumn);
      for (int s = 0; s < specs.size(); s++) {
        keys[s] = limits.apply(specs.get(s), SliceKeys.key(batch, specs.get(s), r));
        SliceAccumulator acc = slices.computeIfAbsent(keys[s], k -> new SliceAccumulator(classes, buckets));
        if (acc.classes() != classes) {
          throw new IllegalStateException(String.format(
              "predictions expected %d classes as in earlier batches, got %d", acc.classes(), classes));
        }
        if (classes == 0) {
          acc.addRegression(scores[r], label, w);
        } else {
          acc.addClassification(scores, r * width, (int) label, w);
        }
      }
    }
  }

  private static double weight(Column c, int row, String name) {
    if (c == null) {
      return 1.0;
    }
    double w;
    if (c instanceof Column.Doubles d) {
      w = d.values()[row];
    } else if (c instanceof Column.Longs l) {
      w = l.values()[row];
    } else {
      throw new IllegalArgumentException(String.format(
          "weight column '%s' expected a numeric (INT or FLOAT) column, got %s", name, c.getClass().getSimpleName()));
    }
    if (c.isNull(row) || !(w >= 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException(String.format(
          "weight column '%s' expected a finite value >= 0, got %s at row %d of a batch", name, c.get(row), row));
    }
    return w;
  }

  /** Merges {@code other} into this. */
  public void merge(SlicedAccumulator other) {
    other.slices.forEach((k, v) -> {
      SliceAccumulator mine = slices.get(k);
      if (mine == null) {
        slices.put(k, v);
      } else {
        mine.merge(v);
      }
    });
  }

  /** Binary encoding. */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(slices.size());
    for (var e : slices.entrySet()) {
      out.writeUTF(e.getKey());
      e.getValue().write(out);
    }
  }

  /** Reads what {@link #write} wrote. */
  public static SlicedAccumulator read(DataInputStream in) throws IOException {
    var acc = new SlicedAccumulator();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      acc.slices.put(in.readUTF(), SliceAccumulator.read(in));
    }
    return acc;
  }
}
