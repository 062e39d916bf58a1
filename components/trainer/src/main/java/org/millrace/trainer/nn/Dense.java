package org.millrace.trainer.nn;

/**
 * A fully connected layer {@code a = act(x W + b)} with optional inverted dropout on its output.
 * W is (in x out), row-major.
 */
public final class Dense {
  final int in;
  final int out;
  final Activation activation;
  final float dropout;
  final float[] weights;
  final float[] bias;
  final float[] gradWeights;
  final float[] gradBias;
  // Per-batch state for backward.
  float[] input;
  float[] z;
  float[] a;
  float[] mask;

  public Dense(int in, int out, Activation activation, float dropout) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("dense layer expected positive sizes, got " + in + " x " + out);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout expected a rate in [0, 1), got " + dropout);
    }
    this.in = in;
    this.out = out;
    this.activation = activation;
    this.dropout = dropout;
    this.weights = new float[in * out];
    this.bias = new float[out];
    this.gradWeights = new float[in * out];
    this.gradBias = new float[out];
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  public Activation activation() {
    return activation;
  }

  public float dropout() {
    return dropout;
  }

  public float[] weights() {
    return weights;
  }

  public float[] bias() {
    return bias;
  }

  /** He-uniform for ReLU-like activations, Glorot-uniform otherwise. */
  void initialize(java.util.SplittableRandom rnd) {
    boolean rectifier = activation == Activation.RELU || activation == Activation.LEAKY_RELU
        || activation == Activation.GELU;
    double limit = rectifier ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
    }
    java.util.Arrays.fill(bias, 0f);
  }
}
