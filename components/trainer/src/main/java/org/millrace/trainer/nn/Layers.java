package org.millrace.trainer.nn;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates layers from their configuration, as written in trainer parameters (YAML) and in
 * model.json, Keras-style: {@code {type: conv2d, filters: 16, kernel_size: 3, activation: relu}}.
 * The configuration is parsed once into a {@link LayerSpec} (unknown types and keys, missing and
 * mistyped values fail naming the layer and key); {@link #create} builds from that record.
 */
public final class Layers {
  private Layers() {}

  /** Layer type names. */
  public static Set<String> types() {
    return new TreeSet<>(LayerSpec.KEYS.keySet());
  }

  /**
   * The layers one configuration stands for, parsed by {@link LayerSpec#parse} and built by
   * {@link #create}. {@code where} prefixes errors, e.g. {@code layers[2]}.
   */
  public static List<Layer> fromConfig(Map<String, ?> config, String where) {
    return create(LayerSpec.parse(config, where));
  }

  /**
   * The layers one parsed configuration stands for: one, or two for a dense layer with a
   * {@code dropout} rate (shorthand for dense followed by dropout).
   */
  public static List<Layer> create(LayerSpec spec) {
    if (spec instanceof LayerSpec.Dense d) {
      var dense = new Dense(d.unitCount(), d.function());
      return d.dropoutRate() == 0 ? List.of(dense) : List.of(dense, new Dropout((float) d.dropoutRate()));
    } else if (spec instanceof LayerSpec.Activation a) {
      return List.of(a.isSoftmax() ? new Softmax() : new ActivationLayer(a.function()));
    } else if (spec instanceof LayerSpec.Softmax) {
      return List.of(new Softmax());
    } else if (spec instanceof LayerSpec.Dropout d) {
      return List.of(new Dropout(d.rate().floatValue()));
    } else if (spec instanceof LayerSpec.BatchNorm b) {
      return List.of(new BatchNorm(b.momentumValue(), b.epsilonValue()));
    } else if (spec instanceof LayerSpec.Embedding e) {
      return List.of(new Embedding(e.inputDim().intValue(), e.outputDim().intValue()));
    } else if (spec instanceof LayerSpec.Conv2D c) {
      return List.of(new Conv2D(c.filters().intValue(), c.kernelSize().rows(), c.kernelSize().cols(), c.strideValue(),
          c.paddingValue(), c.function()));
    } else if (spec instanceof LayerSpec.MaxPool2D m) {
      return List.of(new MaxPool2D(m.pool().rows(), m.pool().cols(), m.strideValue()));
    } else if (spec instanceof LayerSpec.Flatten) {
      return List.of(new Flatten());
    }
    throw new IllegalStateException("BUG: no layer for " + spec);
  }
}
