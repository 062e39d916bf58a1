package org.millrace.trainer.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.MatMul;

/** A stack of dense layers: forward, backward and parameter access. Not thread-safe. */
public final class Network {
  private final List<Dense> layers;
  private final MatMul mm;

  public Network(List<Dense> layers, MatMul mm) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("network expected at least one layer, got none");
    }
    for (int i = 1; i < layers.size(); i++) {
      if (layers.get(i).in != layers.get(i - 1).out) {
        throw new IllegalArgumentException(String.format("layers[%d] expected %d inputs (the outputs of layers[%d]), got %d",
            i, layers.get(i - 1).out, i - 1, layers.get(i).in));
      }
    }
    this.layers = List.copyOf(layers);
    this.mm = mm;
  }

  public List<Dense> layers() {
    return layers;
  }

  public int inputSize() {
    return layers.get(0).in;
  }

  public int outputSize() {
    return layers.get(layers.size() - 1).out;
  }

  public void initialize(long seed) {
    var rnd = new SplittableRandom(seed);
    layers.forEach(l -> l.initialize(rnd.split()));
  }

  /** Outputs (rows x outputSize) of a batch; with {@code rnd} non-null, dropout is applied (training). */
  public float[] forward(float[] x, int rows, SplittableRandom rnd) {
    float[] cur = x;
    for (Dense l : layers) {
      l.input = cur;
      float[] z = new float[rows * l.out];
      mm.nn(cur, l.weights, z, rows, l.in, l.out, false);
      float[] a = new float[z.length];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < l.out; j++) {
          int idx = r * l.out + j;
          z[idx] += l.bias[j];
          a[idx] = l.activation.apply(z[idx]);
        }
      }
      l.mask = null;
      if (rnd != null && l.dropout > 0) {
        float keep = 1 - l.dropout;
        l.mask = new float[a.length];
        for (int i = 0; i < a.length; i++) {
          l.mask[i] = rnd.nextDouble() < keep ? 1 / keep : 0;
          a[i] *= l.mask[i];
        }
      }
      l.z = z;
      l.a = a;
      cur = a;
    }
    return cur;
  }

  /** Backpropagates the gradient of the loss with respect to the outputs; fills every layer's gradients. */
  public void backward(float[] gradOut, int rows) {
    float[] g = gradOut;
    for (int li = layers.size() - 1; li >= 0; li--) {
      Dense l = layers.get(li);
      float[] dz = new float[g.length];
      for (int i = 0; i < g.length; i++) {
        float gi = l.mask == null ? g[i] : g[i] * l.mask[i];
        dz[i] = gi * l.activation.derivative(l.z[i]);
      }
      mm.tn(l.input, dz, l.gradWeights, l.in, rows, l.out, false);
      java.util.Arrays.fill(l.gradBias, 0f);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < l.out; j++) {
          l.gradBias[j] += dz[r * l.out + j];
        }
      }
      if (li > 0) {
        float[] dx = new float[rows * l.in];
        mm.nt(dz, l.weights, dx, rows, l.out, l.in, false);
        g = dx;
      }
    }
  }

  /** Parameters in a fixed order: weights and bias of each layer. */
  public List<float[]> parameters() {
    var out = new ArrayList<float[]>();
    layers.forEach(l -> {
      out.add(l.weights);
      out.add(l.bias);
    });
    return out;
  }

  public List<float[]> gradients() {
    var out = new ArrayList<float[]>();
    layers.forEach(l -> {
      out.add(l.gradWeights);
      out.add(l.gradBias);
    });
    return out;
  }
}
