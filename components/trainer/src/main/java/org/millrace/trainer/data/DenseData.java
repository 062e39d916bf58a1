package org.millrace.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;
import org.millrace.api.data.ExamplesIO;

/** A split of transformed examples in memory: row-major features (rows x dim) and one label per row. */
public record DenseData(float[] features, float[] labels, int rows, int dim) {

  /** Reads {@code Split-<name>} of transformed Examples; fails naming the column that is wrong. */
  public static DenseData read(Path splitDir) {
    var batches = new ArrayList<Batch>();
    ExamplesIO.forEachBatchInSplit(splitDir, batches::add);
    int rows = batches.stream().mapToInt(Batch::rowCount).sum();
    int dim = -1;
    float[] x = null;
    float[] y = new float[rows];
    int r0 = 0;
    for (Batch b : batches) {
      if (b.schema().indexOf("features") < 0 || b.schema().indexOf("label") < 0) {
        throw new IllegalArgumentException("transformed examples " + splitDir + " expected columns [features, label], got "
            + b.schema().names() + ". Train on the Transform component's transformed_examples.");
      }
      if (!(b.column("features") instanceof Column.FloatVectors fv)) {
        throw new IllegalArgumentException("column 'features' in " + splitDir + " expected a float32 vector, got "
            + b.schema().feature("features"));
      }
      if (dim < 0) {
        dim = fv.width();
        x = new float[rows * dim];
      }
      System.arraycopy(fv.values(), 0, x, r0 * dim, b.rowCount() * dim);
      Column label = b.column("label");
      for (int r = 0; r < b.rowCount(); r++) {
        if (label.isNull(r)) {
          throw new IllegalArgumentException("column 'label' in " + splitDir + " expected a value in every row, got a"
              + " missing one in row " + (r0 + r));
        }
        y[r0 + r] = ((Number) label.get(r)).floatValue();
      }
      r0 += b.rowCount();
    }
    if (rows == 0) {
      throw new IllegalArgumentException("transformed examples " + splitDir + " expected rows, got none");
    }
    return new DenseData(x, y, rows, dim);
  }

  /**
   * Copies {@code rows} rows starting at position {@code from} of {@code idx} (or of the natural
   * order when idx is null) into the first rows of {@code x} and {@code y}.
   */
  public void gather(int[] idx, int from, int rows, float[] x, float[] y) {
    for (int i = 0; i < rows; i++) {
      int r = idx == null ? from + i : idx[from + i];
      System.arraycopy(features, r * dim, x, i * dim, dim);
      y[i] = labels[r];
    }
  }

  /** Fails naming the first row and column whose value is not an integer id in [0, vocab). */
  public void checkIds(int vocab, String split) {
    for (int i = 0; i < features.length; i++) {
      float v = features[i];
      if (v != Math.rint(v) || v < 0 || v >= vocab) {
        throw new IllegalArgumentException(split + " split row " + i / dim + ", feature " + i % dim
            + ": expected an integer id in [0, " + vocab + ") for the embedding layer, got " + v);
      }
    }
  }
}
