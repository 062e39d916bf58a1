package org.millrace.trainer.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.millrace.trainer.backend.Tensor;

/** Reshapes each example to a flat vector (values are already stored row-major: no copy). */
public final class Flatten extends Layer {
  @Override
  public String type() {
    return "flatten";
  }

  @Override
  protected int[] outputShape(int[] in) {
    return new int[] {size(in)};
  }

  @Override
  protected void allocate() {}

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    return x;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    return inputGradient ? grad : null;
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    return m;
  }
}
