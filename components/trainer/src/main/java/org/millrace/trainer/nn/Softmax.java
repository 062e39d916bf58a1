package org.millrace.trainer.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.millrace.trainer.backend.Tensor;

/**
 * Row-wise softmax over a flat input. For classification keep the network's output as logits:
 * the softmax cross-entropy loss applies softmax itself, stably.
 */
public final class Softmax extends Layer {
  private Tensor y;
  private Tensor dx;

  @Override
  public String type() {
    return "softmax";
  }

  @Override
  protected int[] outputShape(int[] in) {
    if (in.length != 1) {
      throw shapeError("a flat input");
    }
    return in.clone();
  }

  @Override
  protected void allocate() {
    y = backend.allocate(maxRows * inSize());
    dx = backend.allocate(maxRows * inSize());
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    backend.softmax(x, rows, inSize(), y);
    return y;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    if (!inputGradient) {
      return null;
    }
    backend.softmaxBackward(grad, y, rows, inSize(), dx);
    return dx;
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    return m;
  }
}
