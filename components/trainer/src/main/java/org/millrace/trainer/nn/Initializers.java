package org.millrace.trainer.nn;

import org.millrace.trainer.backend.Activation;

/** Initial weight ranges. */
final class Initializers {
  private Initializers() {}

  /** He-uniform limit for ReLU-like activations, Glorot-uniform otherwise. */
  static double limit(Activation act, int fanIn, int fanOut) {
    boolean rectifier = act == Activation.RELU || act == Activation.LEAKY_RELU || act == Activation.GELU;
    return rectifier ? Math.sqrt(6.0 / fanIn) : Math.sqrt(6.0 / (fanIn + fanOut));
  }
}
