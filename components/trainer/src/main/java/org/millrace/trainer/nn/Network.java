package org.millrace.trainer.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.Tensor;

/**
 * A sequential network (Keras {@code Sequential}): an input shape per example and a list of layers.
 * {@link #build} allocates everything on a backend for a maximum batch; forward and backward then
 * run without allocating. Not thread-safe.
 */
public final class Network {
  private final int[] inputShape;
  private final List<Layer> layers;
  private Backend backend;
  private int maxRows;
  private Tensor input;
  private Tensor output;

  public Network(int[] inputShape, List<Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("network expected at least one layer, got none");
    }
    if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(s -> s <= 0)) {
      throw new IllegalArgumentException("network input_shape expected positive sizes, got "
          + Arrays.toString(inputShape));
    }
    this.inputShape = inputShape.clone();
    this.layers = List.copyOf(layers);
    int[] shape = inputShape;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (l instanceof Embedding && i > 0) {
        throw new IllegalArgumentException("layers." + i + " (embedding) expected to be the first layer (its input is"
            + " integer ids), got position " + i);
      }
      l.bind("layers." + i, shape);
      shape = l.outShape;
    }
    if (shape.length != 1) {
      throw new IllegalArgumentException("network output expected a flat vector per example, got shape "
          + Arrays.toString(shape) + "; add a flatten layer");
    }
  }

  /** A network of dense layers on flat inputs. */
  public static Network dense(int inputs, List<Layer> layers) {
    return new Network(new int[] {inputs}, layers);
  }

  public List<Layer> layers() {
    return layers;
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  public int inputSize() {
    return Layer.size(inputShape);
  }

  public int outputSize() {
    return layers.get(layers.size() - 1).outSize();
  }

  /** Allocates parameters and buffers on {@code b} for batches of up to {@code maxRows} rows. */
  public Network build(Backend b, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows expected >= 1, got " + maxRows);
    }
    this.backend = b;
    this.maxRows = maxRows;
    this.input = b.allocate(maxRows * inputSize());
    layers.forEach(l -> l.build(b, maxRows));
    return this;
  }

  public Backend backend() {
    return requireBuilt();
  }

  public int maxRows() {
    return maxRows;
  }

  /** The tensor a batch is uploaded into before {@link #forward(int, boolean, int)}. */
  public Tensor input() {
    requireBuilt();
    return input;
  }

  /** The output tensor of the last forward pass (rows x outputSize). */
  public Tensor output() {
    return output;
  }

  private Backend requireBuilt() {
    if (backend == null) {
      throw new IllegalStateException("network expected build(backend, maxRows) first");
    }
    return backend;
  }

  /** Draws initial parameters from the seed (each layer gets its own split stream). */
  public void initialize(long seed) {
    requireBuilt();
    var rnd = new SplittableRandom(seed);
    layers.forEach(l -> l.initialize(rnd.split()));
  }

  /** Runs the layers on the first {@code rows} rows of {@link #input()}. */
  public Tensor forward(int rows, boolean training, int seed) {
    return forward(rows, training, seed, 0);
  }

  /**
   * Runs the layers on the first {@code rows} rows of {@link #input()}, which are rows
   * {@code firstRow...} of a larger batch (a data-parallel worker's shard): dropout draws the
   * masks those rows get when the whole batch runs at once.
   */
  public Tensor forward(int rows, boolean training, int seed, int firstRow) {
    requireBuilt();
    if (rows < 1 || rows > maxRows) {
      throw new IllegalArgumentException("batch expected 1.." + maxRows + " rows, got " + rows);
    }
    Tensor cur = input;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      int layerSeed = seed ^ (i + 1) * 0x632BE5AB;
      if (firstRow != 0 && l instanceof Dropout) {
        // uniform(seed, index + k) == uniform(seed + k * 0x9E3779B9, index): start the mask k values in.
        layerSeed += firstRow * l.inSize() * 0x9E3779B9;
      }
      cur = l.forward(cur, rows, training, layerSeed);
    }
    output = cur;
    return cur;
  }

  /**
   * Backpropagates the gradient of the loss with respect to the last outputs; fills every gradient.
   * Where a layer that can (dense) sits on a layer with a non-linear activation (dense, conv2d), its
   * input-gradient product also applies that activation's derivative, so the layer below starts from
   * its dz (one pass over the values fewer, and on a device one launch fewer).
   */
  public void backward(Tensor gradOut, int rows) {
    Tensor g = gradOut;
    boolean isDz = false;
    for (int i = layers.size() - 1; i >= 0; i--) {
      Layer l = layers.get(i);
      Layer.Activated below = i > 0 && l.fusesInputGradient() && layers.get(i - 1) instanceof Layer.Activated a
          && a.activation() != org.millrace.trainer.backend.Activation.LINEAR ? a : null;
      g = l.backward(g, rows, i > 0, isDz, below);
      isDz = below != null;
    }
  }

  /** Outputs (rows x outputSize) for host rows, in inference mode, in chunks of maxRows. */
  public float[] predict(float[] x, int rows) {
    requireBuilt();
    int in = inputSize();
    int out = outputSize();
    float[] result = new float[rows * out];
    for (int from = 0; from < rows; from += maxRows) {
      int n = Math.min(maxRows, rows - from);
      backend.upload(x, from * in, input, 0, n * in);
      Tensor y = forward(n, false, 0);
      backend.download(y, 0, result, from * out, n * out);
    }
    return result;
  }

  /** Trainable parameters in a fixed order. */
  public List<Param> parameters() {
    var out = new ArrayList<Param>();
    layers.forEach(l -> out.addAll(l.params()));
    return out;
  }

  /** Non-trainable state (batch-norm running statistics) in a fixed order. */
  public List<Param> state() {
    var out = new ArrayList<Param>();
    layers.forEach(l -> out.addAll(l.state()));
    return out;
  }

  /** Parameters then state: everything a model file holds. */
  public List<Param> tensors() {
    var out = new ArrayList<Param>(parameters());
    out.addAll(state());
    return out;
  }

  /** Host copies of {@link #tensors()}. */
  public List<float[]> values() {
    return tensors().stream().map(p -> backend.download(p.value())).toList();
  }

  /** Replaces {@link #tensors()} with host values (same order and sizes). */
  public void load(List<float[]> values) {
    List<Param> t = tensors();
    if (values.size() != t.size()) {
      throw new IllegalArgumentException("network expected " + t.size() + " tensors, got " + values.size());
    }
    for (int i = 0; i < t.size(); i++) {
      if (values.get(i).length != t.get(i).size()) {
        throw new IllegalArgumentException("tensor " + t.get(i).name() + " expected " + t.get(i).size() + " values, got "
            + values.get(i).length);
      }
      backend.upload(values.get(i), t.get(i).value());
    }
  }
}
