package org.millrace.trainer.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.trainer.backend.ConvGeometry;
import org.millrace.trainer.backend.Tensor;

/** Max pooling over channels-last images, windows {@code ph x pw} moved by {@code stride}, no padding. */
public final class MaxPool2D extends Layer {
  private final int ph;
  private final int pw;
  private final int stride;
  private ConvGeometry g;
  private Tensor out;
  private Tensor argmax;
  private Tensor dx;

  public MaxPool2D(int ph, int pw, int stride) {
    if (ph <= 0 || pw <= 0 || stride <= 0) {
      throw new IllegalArgumentException(String.format("max_pool2d expected positive pool_size and strides, got %dx%d"
          + " and %d", ph, pw, stride));
    }
    this.ph = ph;
    this.pw = pw;
    this.stride = stride;
  }

  @Override
  public String type() {
    return "max_pool2d";
  }

  @Override
  protected int[] outputShape(int[] in) {
    if (in.length != 3) {
      throw shapeError("an image input (height, width, channels)");
    }
    try {
      g = ConvGeometry.of(in[0], in[1], in[2], ph, pw, stride, false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " (max_pool2d): " + e.getMessage(), e);
    }
    return new int[] {g.outH(), g.outW(), in[2]};
  }

  @Override
  protected void allocate() {
    out = backend.allocate(maxRows * outSize());
    argmax = backend.allocate(maxRows * outSize());
    dx = backend.allocate(maxRows * inSize());
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    backend.maxPool(x, rows, g, out, argmax);
    return out;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    if (!inputGradient) {
      return null;
    }
    backend.maxPoolBackward(grad, argmax, rows, g, dx);
    return dx;
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    m.put("pool_size", List.of(ph, pw));
    m.put("strides", stride);
    return m;
  }
}
