package org.millrace.trainer.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Tensor;

/**
 * Batch normalization over the last axis (features, or channels of channels-last images), as in
 * Keras: batch statistics in training, running statistics ({@code momentum} 0.99) at inference;
 * learned scale gamma and offset beta.
 */
public final class BatchNorm extends Layer {
  private final float momentum;
  private final float epsilon;
  private Param gamma;
  private Param beta;
  private Param runMean;
  private Param runVar;
  private Tensor invStd;
  private Tensor xhat;
  private Tensor out;
  private Tensor dx;

  public BatchNorm(float momentum, float epsilon) {
    if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException("batch_norm expected momentum in [0, 1) and epsilon > 0, got " + momentum
          + " and " + epsilon);
    }
    this.momentum = momentum;
    this.epsilon = epsilon;
  }

  @Override
  public String type() {
    return "batch_norm";
  }

  private int channels() {
    return inShape[inShape.length - 1];
  }

  @Override
  protected int[] outputShape(int[] in) {
    if (in.length == 0) {
      throw shapeError("an input with at least one axis");
    }
    return in.clone();
  }

  @Override
  protected void allocate() {
    int c = channels();
    gamma = param("gamma", c);
    beta = param("beta", c);
    runMean = stateParam("moving_mean", c);
    runVar = stateParam("moving_variance", c);
    invStd = backend.allocate(c);
    xhat = backend.allocate(maxRows * inSize());
    out = backend.allocate(maxRows * inSize());
    dx = backend.allocate(maxRows * inSize());
  }

  @Override
  protected void initialize(SplittableRandom rnd) {
    constant(gamma, 1f);
    constant(beta, 0f);
    constant(runMean, 0f);
    constant(runVar, 1f);
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    int m = rows * (inSize() / channels());
    if (training) {
      backend.batchNormTrain(x, m, channels(), gamma.value(), beta.value(), epsilon, momentum, invStd, xhat, out,
          runMean.value(), runVar.value());
    } else {
      backend.batchNormInfer(x, m, channels(), gamma.value(), beta.value(), runMean.value(), runVar.value(), epsilon,
          out);
    }
    return out;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    int m = rows * (inSize() / channels());
    // dx is needed for dgamma/dbeta's pass anyway; computing it costs one more sweep.
    backend.batchNormBackward(grad, xhat, gamma.value(), invStd, m, channels(), dx, gamma.grad(), beta.grad());
    return inputGradient ? dx : null;
  }

  @Override
  public List<Param> params() {
    return List.of(gamma, beta);
  }

  @Override
  public List<Param> state() {
    return List.of(runMean, runVar);
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    m.put("momentum", (double) momentum);
    m.put("epsilon", (double) epsilon);
    return m;
  }
}
