package org.millrace.trainer.backend;

import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.Loss;

/**
 * The compute operations a network needs, on tensors owned by the backend. The Java backend
 * ({@link JavaBackend}) works on host arrays; a device backend keeps every tensor on the device, so
 * that a training step moves only the input batch in and, when asked, results out.
 *
 * <p>All matrices are row-major. Operations on {@code rows} rows use the first rows of tensors
 * allocated for a larger maximum, so buffers are allocated once per network. Every operation of the
 * Java backend is the reference that device kernels are tested against.
 */
public interface Backend extends AutoCloseable {

  /** Short name recorded in provenance: {@code java} or {@code opencl}. */
  String name();

  /** What runs the kernels, e.g. {@code java (8 threads, jdk.incubator.vector)} or the device name and version. */
  String description();

  /** A zero-filled tensor of {@code size} values. */
  Tensor allocate(int size);

  void upload(float[] src, int srcOffset, Tensor dst, int dstOffset, int length);

  void download(Tensor src, int srcOffset, float[] dst, int dstOffset, int length);

  default float[] download(Tensor src) {
    float[] out = new float[src.size()];
    download(src, 0, out, 0, out.length);
    return out;
  }

  default void upload(float[] src, Tensor dst) {
    upload(src, 0, dst, 0, src.length);
  }

  void copy(Tensor src, Tensor dst, int n);

  void fill(Tensor t, float value, int n);

  /** {@code C (m x n) = op(A) op(B)}, added to C when {@code accumulate}; op transposes when asked. */
  void gemm(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b, Tensor c, boolean accumulate);

  /**
   * The forward product of a layer with its bias and activation fused in: {@code z = op(A) op(B) +
   * bias} (m x n, bias per column; may be null) and {@code out = act(z)} (out may be z itself for a
   * linear activation). The same values as {@link #gemm} then {@link #biasActivation}; a device
   * backend does it in one launch.
   */
  default void gemmBiasActivation(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b,
      Tensor bias, Activation act, Tensor z, Tensor out) {
    gemm(transA, transB, m, n, k, a, b, z, false);
    biasActivation(z, bias, m, n, act, out);
  }

  /**
   * An input-gradient product with the activation derivative of the layer below fused in:
   * {@code c = (op(A) op(B)) * act'(z)} element-wise (m x n): that layer's dz, so that it needs no
   * separate pass. The same values as {@link #gemm} then {@link #activationBackward} in place.
   */
  default void gemmActivationBackward(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b,
      Tensor z, Activation act, Tensor c) {
    gemm(transA, transB, m, n, k, a, b, c, false);
    activationBackward(c, z, act, c, m * n);
  }

  /**
   * A layer's parameter gradients from its input x (rows x in) and its dz (rows x out):
   * {@code dKernel = x^T dz} (in x out) and, when {@code dBias} is not null, {@code dBias[j] = sum
   * over rows of dz[r][j]} (both overwritten). A device backend does both in one launch.
   */
  default void weightGradient(Tensor x, Tensor dz, int rows, int in, int out, Tensor dKernel, Tensor dBias) {
    gemm(true, false, in, out, rows, x, dz, dKernel, false);
    if (dBias != null) {
      columnSums(dz, rows, out, dBias, false);
    }
  }

  /**
   * Whether a training set of {@code rows} rows and {@code floats} values should live in this
   * backend's memory, batches gathered there by {@link #gatherBatch}: a device backend says yes
   * when it fits, since a per-step upload makes every step wait on the host; the Java backend works
   * on host arrays anyway.
   */
  default boolean holdsData(long rows, long floats) {
    return false;
  }

  /**
   * A tensor over {@code values} themselves, without a copy, where this backend's tensors are host
   * arrays (the Java backend); empty otherwise. The training loop gathers each batch from such a
   * view of its set ({@link #gatherBatch}) straight into the network's input: no copy of the set,
   * and no second copy of each batch through a host buffer (an upload of 3.2 MB, 2% of an MLP
   * step at two threads). The backend reads and writes {@code values} through the view; the caller
   * leaves them alone while it is in use. A backend that views one array views any other.
   */
  default java.util.Optional<Tensor> view(float[] values) {
    return java.util.Optional.empty();
  }

  /**
   * A batch gathered from a data set held by this backend: rows {@code order[from..from+rows)} of
   * x (rows of {@code dim} values) into dstX and of y (one value per row) into dstY. {@code order}
   * holds row numbers as floats (exact below 2^24).
   */
  void gatherBatch(Tensor x, Tensor y, int dim, Tensor order, int from, int rows, Tensor dstX, Tensor dstY);

  /** {@code z += bias} per row (bias may be null), then {@code out = act(z)} (out may be z itself for linear). */
  void biasActivation(Tensor z, Tensor bias, int rows, int cols, Activation act, Tensor out);

  /** {@code dz = g * act'(z)}, element-wise. */
  void activationBackward(Tensor g, Tensor z, Activation act, Tensor dz, int n);

  /**
   * The backward of {@link #biasActivation}, fused: {@code dz = g * act'(z)} (not written for a linear
   * activation, whose dz is g itself) and {@code dbias[j] = sum over rows of dz[r][j]} (overwritten).
   */
  void biasActivationBackward(Tensor g, Tensor z, int rows, int cols, Activation act, Tensor dz, Tensor dbias);

  /** {@code out[j] = sum over rows of x[r][j]}, or added to out when {@code accumulate}. */
  void columnSums(Tensor x, int rows, int cols, Tensor out, boolean accumulate);

  /** Row-wise softmax. */
  void softmax(Tensor x, int rows, int cols, Tensor out);

  /** Gradient through softmax: {@code dx = y * (g - sum(g * y))} per row, where y is the softmax output. */
  void softmaxBackward(Tensor g, Tensor y, int rows, int cols, Tensor dx);

  /**
   * Inverted dropout: {@code mask = (uniform(seed, i) >= rate) / (1 - rate)}, {@code out = x * mask}.
   * The uniform numbers come from {@link #uniform}, so every backend draws the same mask.
   */
  void dropout(Tensor x, Tensor out, Tensor mask, int n, float rate, int seed);

  /** {@code out = a * b}, element-wise. */
  void multiply(Tensor a, Tensor b, Tensor out, int n);

  /**
   * Loss of outputs (rows x width) against labels: writes the gradient (already divided by rows)
   * when {@code grad} is non-null, adds the summed loss to {@code acc[0]} and, for softmax
   * cross-entropy, the number of rows whose arg-max is the label to {@code acc[1]}.
   */
  void loss(Loss loss, Tensor out, Tensor labels, int rows, int width, Tensor grad, Tensor acc);

  /** The sum of squares of the first n values (a synchronization point on devices). */
  double sumSquares(Tensor t, int n);

  /**
   * SGD step on {@code g * gradScale + weightDecay * p}: with momentum, {@code vel = momentum * vel + g};
   * the update is {@code g + momentum * vel} (Nesterov), {@code vel} (momentum) or {@code g}.
   */
  void sgd(Tensor p, Tensor g, Tensor vel, int n, float lr, float momentum, boolean nesterov, float weightDecay,
      float gradScale);

  /**
   * Adam step on {@code g * gradScale}: L2 weight decay added to the gradient, or decoupled
   * ({@code decoupled}, AdamW) added to the update. {@code bc1}, {@code bc2} are the bias corrections
   * {@code 1 - beta^t}.
   */
  void adam(Tensor p, Tensor g, Tensor m, Tensor v, int n, float lr, float beta1, float beta2, float epsilon,
      float weightDecay, boolean decoupled, float bc1, float bc2, float gradScale);

  /**
   * {@link #sgd} on several parameters with the same settings; {@code p}, {@code g}, {@code vel}
   * are parallel lists. A device backend does them in one launch.
   */
  default void sgdAll(java.util.List<Tensor> p, java.util.List<Tensor> g, java.util.List<Tensor> vel, float lr,
      float momentum, boolean nesterov, float weightDecay, float gradScale) {
    for (int i = 0; i < p.size(); i++) {
      sgd(p.get(i), g.get(i), vel.get(i), p.get(i).size(), lr, momentum, nesterov, weightDecay, gradScale);
    }
  }

  /**
   * {@link #adam} on several parameters with the same settings; {@code p}, {@code g}, {@code m},
   * {@code v} are parallel lists. A device backend does them in one launch.
   */
  default void adamAll(java.util.List<Tensor> p, java.util.List<Tensor> g, java.util.List<Tensor> m,
      java.util.List<Tensor> v, float lr, float beta1, float beta2, float epsilon, float weightDecay,
      boolean decoupled, float bc1, float bc2, float gradScale) {
    for (int i = 0; i < p.size(); i++) {
      adam(p.get(i), g.get(i), m.get(i), v.get(i), p.get(i).size(), lr, beta1, beta2, epsilon, weightDecay,
          decoupled, bc1, bc2, gradScale);
    }
  }

  /** Patches of channels-last images: {@code cols (rows * positions x patchSize)}, zeros where padded. */
  void im2col(Tensor x, int rows, ConvGeometry g, Tensor cols);

  /** The adjoint of {@link #im2col}: every input value receives the sum of the patch values it went into. */
  void col2im(Tensor cols, int rows, ConvGeometry g, Tensor dx);

  /**
   * Max pooling (window kh x kw, no padding) over channels-last images; {@code argmax} receives the
   * window-local offset (ky * kw + kx) of the first maximum, used by the backward pass.
   */
  void maxPool(Tensor x, int rows, ConvGeometry g, Tensor out, Tensor argmax);

  /** Routes each output gradient to the input value that was the maximum of its window (summing overlaps). */
  void maxPoolBackward(Tensor grad, Tensor argmax, int rows, ConvGeometry g, Tensor dx);

  /**
   * Batch normalization in training mode over m rows of c channels: batch mean and (biased)
   * variance per channel; {@code xhat = (x - mean) * invStd}, {@code out = gamma * xhat + beta}; the
   * running statistics move toward the batch's: {@code run = momentum * run + (1 - momentum) * batch}.
   */
  void batchNormTrain(Tensor x, int m, int c, Tensor gamma, Tensor beta, float epsilon, float momentum, Tensor invStd,
      Tensor xhat, Tensor out, Tensor runMean, Tensor runVar);

  /** Batch normalization with the running statistics (inference). */
  void batchNormInfer(Tensor x, int m, int c, Tensor gamma, Tensor beta, Tensor runMean, Tensor runVar, float epsilon,
      Tensor out);

  /** Gradients of {@link #batchNormTrain}: dx, and dgamma, dbeta (overwritten). */
  void batchNormBackward(Tensor g, Tensor xhat, Tensor gamma, Tensor invStd, int m, int c, Tensor dx, Tensor dgamma,
      Tensor dbeta);

  /** {@code out[i] = table[ids[i]]} (rows of width dim) for n ids; ids must be integers in [0, vocab). */
  void embedding(Tensor ids, int n, Tensor table, int dim, Tensor out);

  /** {@code gradTable} (overwritten) = the sum, over the n ids, of the gradient rows of each table row. */
  void embeddingBackward(Tensor ids, int n, Tensor grad, int dim, int vocab, Tensor gradTable);

  /** Releases device memory; the Java backend's threads. */
  @Override
  void close();

  /**
   * A uniform number in [0, 1) from a seed and an index (a 32-bit integer hash, the finalizer of
   * MurmurHash3), the same on every backend: dropout masks depend only on (seed, index).
   */
  static float uniform(int seed, int index) {
    int x = index * 0x9E3779B9 + seed;
    x ^= x >>> 16;
    x *= 0x85EBCA6B;
    x ^= x >>> 13;
    x *= 0xC2B2AE35;
    x ^= x >>> 16;
    return (x >>> 8) * 0x1.0p-24f;
  }
}
