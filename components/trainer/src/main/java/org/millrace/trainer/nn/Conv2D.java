package org.millrace.trainer.nn;

import org.millrace.trainer.backend.Activation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.ConvGeometry;
import org.millrace.trainer.backend.Tensor;

/**
 * A 2-D convolution over channels-last images (height x width x channels), as Keras
 * {@code Conv2D}: {@code filters} kernels of {@code kh x kw}, a stride, padding {@code valid} or
 * {@code same}, bias and a fused activation. Computed as im2col followed by one matrix product
 * for the whole batch; the kernel is stored as (kh, kw, in_channels, filters).
 */
public final class Conv2D extends Layer implements Layer.Activated {
  private final int filters;
  private final int kh;
  private final int kw;
  private final int stride;
  private final boolean same;
  private final Activation activation;
  private ConvGeometry g;
  private Param kernel;
  private Param bias;
  private Tensor cols;
  private Tensor z;
  private Tensor a;
  private Tensor dz;
  private Tensor dcols;
  private Tensor dx;

  public Conv2D(int filters, int kh, int kw, int stride, String padding, Activation activation) {
    if (filters <= 0 || kh <= 0 || kw <= 0 || stride <= 0) {
      throw new IllegalArgumentException(String.format("conv2d expected positive filters, kernel_size and strides, got"
          + " %d, %dx%d, %d", filters, kh, kw, stride));
    }
    if (!padding.equals("valid") && !padding.equals("same")) {
      throw new IllegalArgumentException("conv2d padding expected 'valid' or 'same', got '" + padding + "'");
    }
    this.filters = filters;
    this.kh = kh;
    this.kw = kw;
    this.stride = stride;
    this.same = padding.equals("same");
    this.activation = activation;
  }

  @Override
  public String type() {
    return "conv2d";
  }

  @Override
  protected int[] outputShape(int[] in) {
    if (in.length != 3) {
      throw shapeError("an image input (height, width, channels); set input_shape");
    }
    try {
      g = ConvGeometry.of(in[0], in[1], in[2], kh, kw, stride, same);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " (conv2d): " + e.getMessage(), e);
    }
    return new int[] {g.outH(), g.outW(), filters};
  }

  @Override
  protected void allocate() {
    int patch = g.patchSize();
    int positions = maxRows * g.positions();
    kernel = param("kernel", kh, kw, g.channels(), filters);
    bias = param("bias", filters);
    cols = backend.allocate(positions * patch);
    z = backend.allocate(positions * filters);
    a = activation == Activation.LINEAR ? z : backend.allocate(positions * filters);
    dz = activation == Activation.LINEAR ? null : backend.allocate(positions * filters);
    dcols = backend.allocate(positions * patch);
    dx = backend.allocate(maxRows * inSize());
  }

  @Override
  protected void initialize(SplittableRandom rnd) {
    uniform(kernel, rnd, Initializers.limit(activation, g.patchSize(), kh * kw * filters));
    constant(bias, 0f);
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    int positions = rows * g.positions();
    backend.im2col(x, rows, g, cols);
    backend.gemmBiasActivation(false, false, positions, filters, g.patchSize(), cols, kernel.value(), bias.value(),
        activation, z, a);
    return a;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    return backward(grad, rows, inputGradient, false, null);
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient, boolean gradIsDz, Activated below) {
    if (below != null) {
      throw new IllegalStateException(name + " (conv2d) expected no layer below to fuse into (col2im comes between)");
    }
    int positions = rows * g.positions();
    Tensor d;
    if (gradIsDz || activation == Activation.LINEAR) {
      d = grad;
      backend.weightGradient(cols, d, positions, g.patchSize(), filters, kernel.grad(), bias.grad());
    } else {
      backend.biasActivationBackward(grad, z, positions, filters, activation, dz, bias.grad());
      d = dz;
      backend.weightGradient(cols, d, positions, g.patchSize(), filters, kernel.grad(), null);
    }
    if (!inputGradient) {
      return null;
    }
    backend.gemm(false, true, positions, g.patchSize(), filters, d, kernel.value(), dcols, false);
    backend.col2im(dcols, rows, g, dx);
    return dx;
  }

  public Activation activation() {
    return activation;
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
    m.put("filters", filters);
    m.put("kernel_size", List.of(kh, kw));
    m.put("strides", stride);
    m.put("padding", same ? "same" : "valid");
    m.put("activation", activation.label());
    return m;
  }
}
