package org.millrace.trainer.backend;

/** Element-wise activations and their derivatives (computed from the pre-activation z). */
public enum Activation {
  LINEAR, RELU, LEAKY_RELU, GELU, SIGMOID, TANH;

  /** The slope of leaky_relu below zero. */
  public static final float LEAK = 0.01f;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  public static Activation of(String name) {
    for (Activation a : values()) {
      if (a.name().equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("activation expected one of [linear, relu, leaky_relu, gelu, sigmoid, tanh], got '"
        + name + "'");
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public float apply(float z) {
    return switch (this) {
      case LINEAR -> z;
      case RELU -> z > 0 ? z : 0;
      case LEAKY_RELU -> z > 0 ? z : LEAK * z;
      case GELU -> (float) (0.5 * z * (1 + Math.tanh(SQRT_2_OVER_PI * (z + 0.044715 * z * z * z))));
      case SIGMOID -> (float) (1 / (1 + Math.exp(-z)));
      case TANH -> (float) Math.tanh(z);
    };
  }

  public float derivative(float z) {
    return switch (this) {
      case LINEAR -> 1;
      case RELU -> z > 0 ? 1 : 0;
      case LEAKY_RELU -> z > 0 ? 1 : LEAK;
      case GELU -> {
        double u = SQRT_2_OVER_PI * (z + 0.044715 * z * z * z);
        double t = Math.tanh(u);
        double du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z * z);
        yield (float) (0.5 * (1 + t) + 0.5 * z * (1 - t * t) * du);
      }
      case SIGMOID -> {
        double s = 1 / (1 + Math.exp(-z));
        yield (float) (s * (1 - s));
      }
      case TANH -> {
        double t = Math.tanh(z);
        yield (float) (1 - t * t);
      }
    };
  }
}
