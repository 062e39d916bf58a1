package org.millrace.trainer.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.millrace.trainer.backend.Tensor;

/**
 * Inverted dropout: in training, each value is zeroed with probability {@code rate} and the rest
 * scaled by 1 / (1 - rate); at inference the layer passes its input through. The mask depends
 * only on the step's seed, so a resumed run draws the same masks.
 */
public final class Dropout extends Layer {
  private final float rate;
  private Tensor out;
  private Tensor mask;
  private Tensor dx;

  public Dropout(float rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout expected a rate in [0, 1), got " + rate);
    }
    this.rate = rate;
  }

  public float rate() {
    return rate;
  }

  @Override
  public String type() {
    return "dropout";
  }

  @Override
  protected int[] outputShape(int[] in) {
    return in.clone();
  }

  @Override
  protected void allocate() {
    out = backend.allocate(maxRows * inSize());
    mask = backend.allocate(maxRows * inSize());
    dx = backend.allocate(maxRows * inSize());
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    if (!training || rate == 0) {
      backend.fill(mask, 1f, rows * inSize());
      return x;
    }
    backend.dropout(x, out, mask, rows * inSize(), rate, seed);
    return out;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    if (!inputGradient) {
      return null;
    }
    backend.multiply(grad, mask, dx, rows * inSize());
    return dx;
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    m.put("rate", (double) rate);
    return m;
  }
}
