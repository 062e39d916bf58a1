package org.millrace.transform.graph;

/**
 * A batch after the transform: dense row-major features and, when the input had the label
 * column, the encoded labels.
 *
 * @param features {@code rows * dim} floats, row-major
 * @param rows number of rows
 * @param dim floats per row ({@link Graph#featureDim()})
 * @param labels one encoded label per row, or null when the input had no label column
 */
public record DenseBatch(float[] features, int rows, int dim, float[] labels) {
  public DenseBatch {
    if (features.length != rows * dim) {
      throw new IllegalArgumentException(
          "dense batch expected " + rows + "x" + dim + " features, got " + features.length);
    }
    if (labels != null && labels.length != rows) {
      throw new IllegalArgumentException("dense batch expected " + rows + " labels, got " + labels.length);
    }
  }
}
