package org.millrace.trainer.backend;

/**
 * Losses on a batch of outputs (rows x width), returning the mean loss and writing its gradient
 * with respect to the outputs (already divided by the batch size).
 */
public enum Loss {
  /** Softmax cross-entropy from logits; labels are class indices. Stable: uses log-sum-exp. */
  SOFTMAX_CROSS_ENTROPY,
  /** Binary cross-entropy from one logit per row; labels 0 or 1. Stable: max(z,0) - z*y + log(1+e^-|z|). */
  BINARY_CROSS_ENTROPY,
  /** Mean squared error on one output per row. */
  MSE;

  public static Loss of(String name) {
    for (Loss l : values()) {
      if (l.name().equalsIgnoreCase(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException("loss expected one of [softmax_cross_entropy, binary_cross_entropy, mse], got '"
        + name + "'");
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public double lossAndGradient(float[] out, float[] labels, int rows, int width, float[] grad) {
    double total = 0;
    float inv = 1f / rows;
    for (int r = 0; r < rows; r++) {
      int o = r * width;
      switch (this) {
        case SOFTMAX_CROSS_ENTROPY -> {
          int y = (int) labels[r];
          float max = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < width; j++) {
            max = Math.max(max, out[o + j]);
          }
          double sum = 0;
          for (int j = 0; j < width; j++) {
            sum += Math.exp(out[o + j] - max);
          }
          double logSum = Math.log(sum) + max;
          total += logSum - out[o + y];
          for (int j = 0; j < width; j++) {
            double p = Math.exp(out[o + j] - logSum);
            grad[o + j] = (float) ((p - (j == y ? 1 : 0)) * inv);
          }
        }
        case BINARY_CROSS_ENTROPY -> {
          double z = out[o];
          double y = labels[r];
          total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
          grad[o] = (float) ((1 / (1 + Math.exp(-z)) - y) * inv);
        }
        case MSE -> {
          double d = out[o] - labels[r];
          total += d * d;
          grad[o] = (float) (2 * d * inv);
        }
      }
    }
    return total / rows;
  }
}
