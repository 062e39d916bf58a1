package org.millrace.trainer.nn;

import org.millrace.trainer.backend.Activation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Tensor;

/** A fully connected layer {@code a = act(x W + b)} with W (in x units), on flat inputs. */
public final class Dense extends Layer implements Layer.Activated {
  private final int units;
  private final Activation activation;
  private Param kernel;
  private Param bias;
  private Tensor input;
  private Tensor z;
  private Tensor a;
  private Tensor dz;
  private Tensor dx;

  public Dense(int units, Activation activation) {
    if (units <= 0) {
      throw new IllegalArgumentException("dense expected a positive number of units, got " + units);
    }
    this.units = units;
    this.activation = activation;
  }

  @Override
  public String type() {
    return "dense";
  }

  public int units() {
    return units;
  }

  public Activation activation() {
    return activation;
  }

  @Override
  protected int[] outputShape(int[] in) {
    if (in.length != 1) {
      throw shapeError("a flat input (add a flatten layer before it)");
    }
    return new int[] {units};
  }

  @Override
  protected void allocate() {
    int in = inSize();
    kernel = param("kernel", in, units);
    bias = param("bias", units);
    z = backend.allocate(maxRows * units);
    a = activation == Activation.LINEAR ? z : backend.allocate(maxRows * units);
    dz = activation == Activation.LINEAR ? null : backend.allocate(maxRows * units);
    dx = backend.allocate(maxRows * in);
  }

  /** He-uniform for ReLU-like activations, Glorot-uniform otherwise; zero bias. */
  @Override
  protected void initialize(SplittableRandom rnd) {
    int in = inSize();
    uniform(kernel, rnd, Initializers.limit(activation, in, units));
    constant(bias, 0f);
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    input = x;
    backend.gemmBiasActivation(false, false, rows, units, inSize(), x, kernel.value(), bias.value(), activation, z, a);
    return a;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    return backward(grad, rows, inputGradient, false, null);
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient, boolean gradIsDz, Activated below) {
    Tensor d;
    if (gradIsDz || activation == Activation.LINEAR) {
      d = grad;
      backend.weightGradient(input, d, rows, inSize(), units, kernel.grad(), bias.grad());
    } else {
      backend.biasActivationBackward(grad, z, rows, units, activation, dz, bias.grad());
      d = dz;
      backend.weightGradient(input, d, rows, inSize(), units, kernel.grad(), null);
    }
    if (!inputGradient) {
      return null;
    }
    if (below != null) {
      backend.gemmActivationBackward(false, true, rows, inSize(), units, d, kernel.value(), below.preActivation(),
          below.activation(), below.preActivationGradient());
      return below.preActivationGradient();
    }
    backend.gemm(false, true, rows, inSize(), units, d, kernel.value(), dx, false);
    return dx;
  }

  @Override
  protected boolean fusesInputGradient() {
    return true;
  }

  @Override
  public Tensor preActivation() {
    return z;
  }

  @Override
  public Tensor preActivationGradient() {
    return dz;
  }

  @Override
  public List<Param> params() {
    return List.of(kernel, bias);
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    m.put("units", units);
    m.put("activation", activation.label());
    return m;
  }
}
