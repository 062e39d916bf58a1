package org.millrace.trainer.nn;

import org.millrace.trainer.backend.Activation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.Tensor;

/**
 * One layer of a {@link Network}. A layer is created from its configuration, bound to an input
 * shape (per example, without the batch dimension), then built on a backend for a maximum number
 * of rows: parameters and the buffers of the forward and backward passes are allocated once.
 * Not thread-safe: a layer belongs to one network.
 */
public abstract class Layer {
  protected Backend backend;
  protected int[] inShape;
  protected int[] outShape;
  protected int maxRows;
  protected String name;

  /** The type name used in configuration and model.json, e.g. {@code dense}. */
  public abstract String type();

  /** The output shape for an input shape; fails naming what does not fit. */
  protected abstract int[] outputShape(int[] in);

  /** Allocates parameters and buffers on {@link #backend} for {@link #maxRows} rows. */
  protected abstract void allocate();

  /** Sets initial parameter values (host side, then uploaded). */
  protected void initialize(SplittableRandom rnd) {}

  /** The output for {@code rows} rows of x; {@code seed} drives any randomness of training mode. */
  public abstract Tensor forward(Tensor x, int rows, boolean training, int seed);

  /**
   * Given the gradient of the loss with respect to this layer's last training-mode output, fills
   * the parameter gradients and returns the gradient with respect to the input (null unless
   * {@code inputGradient}).
   */
  public abstract Tensor backward(Tensor grad, int rows, boolean inputGradient);

  /**
   * {@link #backward(Tensor, int, boolean)} with the activation derivatives fused into the products
   * (what {@link Network#backward} calls): when {@code gradIsDz}, grad already includes this layer's
   * activation derivative (the layer above computed it); when {@code below} is given, the input
   * gradient is returned as below's dz, its activation derivative applied in the same product.
   * Layers that do neither ({@link #fusesInputGradient()} false, not {@link Activated}) get neither.
   */
  public Tensor backward(Tensor grad, int rows, boolean inputGradient, boolean gradIsDz, Activated below) {
    if (gradIsDz || below != null) {
      throw new IllegalStateException(name + " (" + type() + ") expected no fused activation gradient");
    }
    return backward(grad, rows, inputGradient);
  }

  /** Whether {@link #backward(Tensor, int, boolean, boolean, Activated)} can return the dz of the layer below. */
  protected boolean fusesInputGradient() {
    return false;
  }

  /** A layer ending in an activation, whose dz the layer above can compute in its input-gradient product. */
  public interface Activated {
    Activation activation();

    /** z of the last training-mode forward pass (the activation's input). */
    Tensor preActivation();

    /** Where this layer's dz goes (for a non-linear activation). */
    Tensor preActivationGradient();
  }

  /** Trainable parameters (with gradients), in a fixed order. */
  public List<Param> params() {
    return List.of();
  }

  /** Non-trainable state saved with the model. */
  public List<Param> state() {
    return List.of();
  }

  /** The configuration this layer was created from, as written to model.json (without shapes). */
  public abstract Map<String, Object> config();

  final void bind(String name, int[] in) {
    this.name = name;
    this.inShape = in.clone();
    this.outShape = outputShape(in);
  }

  final void build(Backend backend, int maxRows) {
    this.backend = backend;
    this.maxRows = maxRows;
    allocate();
  }

  public int[] inputShape() {
    return inShape.clone();
  }

  public int[] outputShape() {
    return outShape.clone();
  }

  /** Values per example of the input. */
  protected int inSize() {
    return size(inShape);
  }

  /** Values per example of the output. */
  protected int outSize() {
    return size(outShape);
  }

  protected Param param(String suffix, int... shape) {
    return new Param(name + "." + suffix, Arrays.stream(shape).boxed().toList(), backend.allocate(size(shape)),
        backend.allocate(size(shape)));
  }

  protected Param stateParam(String suffix, int... shape) {
    return new Param(name + "." + suffix, Arrays.stream(shape).boxed().toList(), backend.allocate(size(shape)), null);
  }

  /** Uniform(-limit, limit) values uploaded into p. */
  protected void uniform(Param p, SplittableRandom rnd, double limit) {
    float[] v = new float[p.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
    }
    backend.upload(v, p.value());
  }

  protected void constant(Param p, float value) {
    backend.fill(p.value(), value, p.size());
  }

  static int size(int[] shape) {
    int n = 1;
    for (int s : shape) {
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  protected IllegalArgumentException shapeError(String expected) {
    return new IllegalArgumentException(name + " (" + type() + ") expected " + expected + ", got input shape "
        + Arrays.toString(inShape));
  }
}
