package org.millrace.trainer.nn;

import org.millrace.trainer.backend.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.millrace.trainer.backend.Tensor;

/** An element-wise activation as its own layer (Keras {@code Activation}/{@code ReLU}...). */
public final class ActivationLayer extends Layer {
  private final Activation activation;
  private Tensor z;
  private Tensor a;
  private Tensor dx;

  public ActivationLayer(Activation activation) {
    this.activation = activation;
  }

  @Override
  public String type() {
    return "activation";
  }

  @Override
  protected int[] outputShape(int[] in) {
    return in.clone();
  }

  @Override
  protected void allocate() {
    a = backend.allocate(maxRows * inSize());
    dx = backend.allocate(maxRows * inSize());
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    z = x;
    // Without a bias, biasActivation only reads z.
    backend.biasActivation(x, null, rows, inSize(), activation, a);
    return a;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    if (!inputGradient) {
      return null;
    }
    backend.activationBackward(grad, z, activation, dx, rows * inSize());
    return dx;
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    m.put("activation", activation.label());
    return m;
  }
}
