package org.millrace.trainer.backend;

import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.Loss;

/**
 * The Java backend: tensors are float arrays on the heap, matrix products run on {@link MatMul}
 * and element-wise work is split over the same threads. Every value is computed by one thread in a
 * fixed order, so results do not depend on the number of threads. This is the reference every
 * device kernel is tested against.
 */
public final class JavaBackend implements Backend {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int GRAIN = 1 << 14;
  /** Copies of at least this many floats (1 MiB) are split over the threads. */
  private static final int PARALLEL_COPY = 1 << 18;
  private final MatMul mm;

  /** A host tensor: a plain array. */
  public record Host(float[] data) implements Tensor {
    @Override
    public int size() {
      return data.length;
    }
  }

  public JavaBackend(int threads) {
    this.mm = new MatMul(threads);
  }

  public int threads() {
    return mm.threads();
  }

  public MatMul matMul() {
    return mm;
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public String description() {
    return "java (" + mm.threads() + " threads, jdk.incubator.vector " + S.length() * 32 + "-bit)";
  }

  private static float[] d(Tensor t) {
    if (t instanceof Host h) {
      return h.data;
    }
    throw new IllegalArgumentException("java backend expected a tensor it allocated, got " + t.getClass().getName());
  }

  /** Splits [0, n) into chunks of at least GRAIN values over the threads. */
  private void each(int n, MatMul.RowBlock body) {
    mm.rows(n, GRAIN * 2, (from, to) -> body.run(from, to));
  }

  @Override
  public Tensor allocate(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("tensor size expected >= 0, got " + size);
    }
    return new Host(new float[size]);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    copyFloats(src, srcOffset, d(dst), dstOffset, length);
  }

  @Override
  public void download(Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    copyFloats(d(src), srcOffset, dst, dstOffset, length);
  }

  /**
   * A copy, split over the threads when it is large (a training step's batch, megabytes: on one
   * core its copy took three times as long at two threads as at one, the helper's cache holding
   * the lines the copy overwrites).
   */
  private void copyFloats(float[] src, int srcOffset, float[] dst, int dstOffset, int length) {
    // Both ranges checked before any chunk moves, so a bad one copies nothing (as one array copy).
    Objects.checkFromIndexSize(srcOffset, length, src.length);
    Objects.checkFromIndexSize(dstOffset, length, dst.length);
    if (length < PARALLEL_COPY || src == dst) {
      System.arraycopy(src, srcOffset, dst, dstOffset, length);
      return;
    }
    each(length, (from, to) -> System.arraycopy(src, srcOffset + from, dst, dstOffset + from, to - from));
  }

  @Override
  public java.util.Optional<Tensor> view(float[] values) {
    return java.util.Optional.of(new Host(Objects.requireNonNull(values, "values")));
  }

  /**
   * The rows split over the threads (a batch of rows scattered over a set of hundreds of
   * megabytes: each row's copy waits on memory, and two threads keep twice the misses in flight).
   */
  @Override
  public void gatherBatch(Tensor x, Tensor y, int dim, Tensor order, int from, int rows, Tensor dstX, Tensor dstY) {
    float[] xv = d(x);
    float[] yv = d(y);
    float[] ov = d(order);
    float[] dx = d(dstX);
    float[] dy = d(dstY);
    mm.rows(rows, Math.max(2, PARALLEL_COPY / Math.max(1, dim)), (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        int row = (int) ov[from + r];
        System.arraycopy(xv, row * dim, dx, r * dim, dim);
        dy[r] = yv[row];
      }
    });
  }

  @Override
  public void copy(Tensor src, Tensor dst, int n) {
    copyFloats(d(src), 0, d(dst), 0, n);
  }

  @Override
  public void fill(Tensor t, float value, int n) {
    Arrays.fill(d(t), 0, n, value);
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b, Tensor c,
      boolean accumulate) {
    float[] av = d(a);
    float[] bv = d(b);
    float[] cv = d(c);
    if (!transA && !transB) {
      mm.nn(av, bv, cv, m, k, n, accumulate);
    } else if (transA && !transB) {
      mm.tn(av, bv, cv, m, k, n, accumulate);
    } else if (!transA) {
      mm.nt(av, bv, cv, m, k, n, accumulate);
    } else {
      // A is (k x m): transpose it once, then C = A' * B^T.
      float[] at = new float[m * k];
      for (int p = 0; p < k; p++) {
        for (int i = 0; i < m; i++) {
          at[i * k + p] = av[p * m + i];
        }
      }
      mm.nt(at, bv, cv, m, k, n, accumulate);
    }
  }

  /** The product with the bias and activation applied to each block of z's rows as it is finished, while in cache. */
  @Override
  public void gemmBiasActivation(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b,
      Tensor bias, Activation act, Tensor z, Tensor out) {
    if (transA && transB) {
      Backend.super.gemmBiasActivation(transA, transB, m, n, k, a, b, bias, act, z, out);
      return;
    }
    float[] bv = bias == null ? null : d(bias);
    float[] ov = d(out);
    mm.product(transA, transB, d(a), d(b), d(z), m, k, n, false, (zv, i0, rows, j0, cols, stride) -> {
      for (int r = i0; r < i0 + rows; r++) {
        biasActivationRow(zv, bv, ov, act, r * stride + j0, j0, cols);
      }
    });
  }

  /** The product with the activation derivative applied to each block of c's rows as it is finished. */
  @Override
  public void gemmActivationBackward(boolean transA, boolean transB, int m, int n, int k, Tensor a, Tensor b,
      Tensor z, Activation act, Tensor c) {
    if (transA && transB) {
      Backend.super.gemmActivationBackward(transA, transB, m, n, k, a, b, z, act, c);
      return;
    }
    float[] zv = d(z);
    mm.product(transA, transB, d(a), d(b), d(c), m, k, n, false, act == Activation.LINEAR ? null
        : (cv, i0, rows, j0, cols, stride) -> {
          for (int r = i0; r < i0 + rows; r++) {
            int o = r * stride + j0;
            activationDerivative(act, cv, zv, cv, o, o + cols);
          }
        });
  }

  @Override
  public void biasActivation(Tensor z, Tensor bias, int rows, int cols, Activation act, Tensor out) {
    float[] zv = d(z);
    float[] bv = bias == null ? null : d(bias);
    float[] ov = d(out);
    mm.rows(rows, Math.max(2, 2 * GRAIN / Math.max(1, cols)), (r0, r1) -> {
      for (int r = r0; r < r1; r++) {
        biasActivationRow(zv, bv, ov, act, r * cols, 0, cols);
      }
    });
  }

  /** {@code z[o + j] += bias[b0 + j]}, then {@code out[o + j] = act(z[o + j])}, for j in [0, n). */
  private static void biasActivationRow(float[] zv, float[] bv, float[] ov, Activation act, int o, int b0, int n) {
    if (bv != null) {
      int j = 0;
      for (int upper = S.loopBound(n); j < upper; j += S.length()) {
        FloatVector.fromArray(S, zv, o + j).add(FloatVector.fromArray(S, bv, b0 + j)).intoArray(zv, o + j);
      }
      for (; j < n; j++) {
        zv[o + j] += bv[b0 + j];
      }
    }
    applyActivation(act, zv, ov, o, n);
  }

  private static void applyActivation(Activation act, float[] z, float[] out, int o, int n) {
    switch (act) {
      case LINEAR -> {
        if (z != out) {
          System.arraycopy(z, o, out, o, n);
        }
      }
      case RELU -> {
        int j = 0;
        var zero = FloatVector.zero(S);
        for (int upper = S.loopBound(n); j < upper; j += S.length()) {
          FloatVector.fromArray(S, z, o + j).max(zero).intoArray(out, o + j);
        }
        for (; j < n; j++) {
          out[o + j] = z[o + j] > 0 ? z[o + j] : 0;
        }
      }
      default -> {
        for (int j = o; j < o + n; j++) {
          out[j] = act.apply(z[j]);
        }
      }
    }
  }

  @Override
  public void activationBackward(Tensor g, Tensor z, Activation act, Tensor dz, int n) {
    float[] gv = d(g);
    float[] zv = d(z);
    float[] dv = d(dz);
    each(n, (from, to) -> activationDerivative(act, gv, zv, dv, from, to));
  }

  /** {@code dz[i] = g[i] * act'(z[i])} for i in [from, to); dz may be g. */
  private static void activationDerivative(Activation act, float[] gv, float[] zv, float[] dv, int from, int to) {
    switch (act) {
      case LINEAR -> {
        if (gv != dv) {
          System.arraycopy(gv, from, dv, from, to - from);
        }
      }
      case RELU -> {
        int i = from;
        var zero = FloatVector.zero(S);
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
          var z = FloatVector.fromArray(S, zv, i);
          zero.blend(FloatVector.fromArray(S, gv, i), z.compare(VectorOperators.GT, 0f)).intoArray(dv, i);
        }
        for (; i < to; i++) {
          dv[i] = zv[i] > 0 ? gv[i] : 0;
        }
      }
      default -> {
        for (int i = from; i < to; i++) {
          dv[i] = gv[i] * act.derivative(zv[i]);
        }
      }
    }
  }

  @Override
  public void biasActivationBackward(Tensor g, Tensor z, int rows, int cols, Activation act, Tensor dz, Tensor dbias) {
    if (act != Activation.LINEAR) {
      activationBackward(g, z, act, dz, rows * cols);
    }
    columnSums(act == Activation.LINEAR ? g : dz, rows, cols, dbias, false);
  }

  @Override
  public void columnSums(Tensor x, int rows, int cols, Tensor out, boolean accumulate) {
    float[] xv = d(x);
    float[] ov = d(out);
    // Blocks of one vector of columns, so that a layer of 32 filters still splits over threads;
    // each column is summed over the rows in order, whatever the split. Four vectors of columns
    // are summed at a time, in registers, so that each row's read is four cache lines side by
    // side rather than one line every row stride.
    int block = S.length();
    mm.rows((cols + block - 1) / block, rows * block < GRAIN ? Integer.MAX_VALUE : 2, (b0, b1) -> {
      int j1 = Math.min(cols, b1 * block);
      int vectorEnd = b0 * block + (j1 - b0 * block) / block * block;
      int j = b0 * block;
      for (; j + 4 * block <= vectorEnd; j += 4 * block) {
        var s0 = FloatVector.zero(S);
        var s1 = FloatVector.zero(S);
        var s2 = FloatVector.zero(S);
        var s3 = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
          int o = r * cols + j;
          s0 = s0.add(FloatVector.fromArray(S, xv, o));
          s1 = s1.add(FloatVector.fromArray(S, xv, o + block));
          s2 = s2.add(FloatVector.fromArray(S, xv, o + 2 * block));
          s3 = s3.add(FloatVector.fromArray(S, xv, o + 3 * block));
        }
        columnSumsOut(s0, ov, j, accumulate);
        columnSumsOut(s1, ov, j + block, accumulate);
        columnSumsOut(s2, ov, j + 2 * block, accumulate);
        columnSumsOut(s3, ov, j + 3 * block, accumulate);
      }
      for (; j < vectorEnd; j += block) {
        var acc = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
          acc = acc.add(FloatVector.fromArray(S, xv, r * cols + j));
        }
        columnSumsOut(acc, ov, j, accumulate);
      }
      for (; j < j1; j++) {
        float acc = 0;
        for (int r = 0; r < rows; r++) {
          acc += xv[r * cols + j];
        }
        ov[j] = accumulate ? ov[j] + acc : acc;
      }
    });
  }

  private static void columnSumsOut(FloatVector sums, float[] ov, int j, boolean accumulate) {
    (accumulate ? FloatVector.fromArray(S, ov, j).add(sums) : sums).intoArray(ov, j);
  }

  @Override
  public void softmax(Tensor x, int rows, int cols, Tensor out) {
    float[] xv = d(x);
    float[] ov = d(out);
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, xv[o + j]);
      }
      float sum = 0;
      for (int j = 0; j < cols; j++) {
        float e = (float) Math.exp(xv[o + j] - max);
        ov[o + j] = e;
        sum += e;
      }
      for (int j = 0; j < cols; j++) {
        ov[o + j] /= sum;
      }
    }
  }

  @Override
  public void softmaxBackward(Tensor g, Tensor y, int rows, int cols, Tensor dx) {
    float[] gv = d(g);
    float[] yv = d(y);
    float[] dv = d(dx);
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      float dot = 0;
      for (int j = 0; j < cols; j++) {
        dot += gv[o + j] * yv[o + j];
      }
      for (int j = 0; j < cols; j++) {
        dv[o + j] = yv[o + j] * (gv[o + j] - dot);
      }
    }
  }

  @Override
  public void dropout(Tensor x, Tensor out, Tensor mask, int n, float rate, int seed) {
    float[] xv = d(x);
    float[] ov = d(out);
    float[] mv = d(mask);
    float scale = 1f / (1f - rate);
    each(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        mv[i] = Backend.uniform(seed, i) >= rate ? scale : 0f;
        ov[i] = xv[i] * mv[i];
      }
    });
  }

  @Override
  public void multiply(Tensor a, Tensor b, Tensor out, int n) {
    float[] av = d(a);
    float[] bv = d(b);
    float[] ov = d(out);
    each(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        ov[i] = av[i] * bv[i];
      }
    });
  }

  @Override
  public void loss(Loss loss, Tensor out, Tensor labels, int rows, int width, Tensor grad, Tensor acc) {
    float[] ov = d(out);
    float[] yv = d(labels);
    float[] gv = grad == null ? null : d(grad);
    float[] av = d(acc);
    float inv = 1f / rows;
    // Chunks of LOSS_ROWS rows over the threads (a batch's softmax cross-entropy is two exponentials
    // per value, 190 us for 1024 x 10 on one thread); each chunk's sums are added in chunk order, so
    // the result does not depend on the thread count.
    int chunks = (rows + LOSS_ROWS - 1) / LOSS_ROWS;
    double[] totals = new double[chunks];
    int[] hits = new int[chunks];
    mm.rows(chunks, Math.max(2, 2 * GRAIN / Math.max(1, LOSS_ROWS * width * 8)), (c0, c1) -> {
      for (int c = c0; c < c1; c++) {
        int r0 = c * LOSS_ROWS;
        lossRows(loss, ov, yv, gv, inv, width, r0, Math.min(rows, r0 + LOSS_ROWS), totals, hits, c);
      }
    });
    double total = 0;
    int correct = 0;
    for (int c = 0; c < chunks; c++) {
      total += totals[c];
      correct += hits[c];
    }
    av[0] += (float) total;
    av[1] += correct;
  }

  /** Rows per chunk of {@link #loss}. */
  private static final int LOSS_ROWS = 64;

  /** {@link #loss} over rows [r0, r1): the loss summed into totals[c], the hits counted into hits[c]. */
  private static void lossRows(Loss loss, float[] ov, float[] yv, float[] gv, float inv, int width, int r0, int r1,
      double[] totals, int[] hits, int c) {
    double total = 0;
    int correct = 0;
    for (int r = r0; r < r1; r++) {
      int o = r * width;
      switch (loss) {
        case SOFTMAX_CROSS_ENTROPY -> {
          int y = (int) yv[r];
          float max = Float.NEGATIVE_INFINITY;
          int arg = 0;
          for (int j = 0; j < width; j++) {
            if (ov[o + j] > max) {
              max = ov[o + j];
              arg = j;
            }
          }
          float sum = 0;
          for (int j = 0; j < width; j++) {
            sum += (float) Math.exp(ov[o + j] - max);
          }
          float logSum = (float) Math.log(sum) + max;
          total += logSum - ov[o + y];
          if (arg == y) {
            correct++;
          }
          if (gv != null) {
            for (int j = 0; j < width; j++) {
              float p = (float) Math.exp(ov[o + j] - logSum);
              gv[o + j] = (p - (j == y ? 1f : 0f)) * inv;
            }
          }
        }
        case BINARY_CROSS_ENTROPY -> {
          float z = ov[o];
          float y = yv[r];
          total += Math.max(z, 0f) - z * y + (float) Math.log1p(Math.exp(-Math.abs(z)));
          if ((z > 0) == (y > 0.5f)) {
            correct++;
          }
          if (gv != null) {
            gv[o] = ((float) (1 / (1 + Math.exp(-z))) - y) * inv;
          }
        }
        case MSE -> {
          float diff = ov[o] - yv[r];
          total += diff * diff;
          if (gv != null) {
            gv[o] = 2 * diff * inv;
          }
        }
      }
    }
    totals[c] = total;
    hits[c] = correct;
  }

  @Override
  public double sumSquares(Tensor t, int n) {
    float[] v = d(t);
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) v[i] * v[i];
    }
    return s;
  }

  @Override
  public void sgd(Tensor p, Tensor g, Tensor vel, int n, float lr, float momentum, boolean nesterov, float weightDecay,
      float gradScale) {
    float[] pv = d(p);
    float[] gv = d(g);
    float[] vv = d(vel);
    each(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        float gi = gv[i] * gradScale + weightDecay * pv[i];
        float v = momentum * vv[i] + gi;
        vv[i] = v;
        float upd = nesterov ? gi + momentum * v : (momentum > 0 ? v : gi);
        pv[i] -= lr * upd;
      }
    });
  }

  @Override
  public void adam(Tensor p, Tensor g, Tensor m, Tensor v, int n, float lr, float beta1, float beta2, float epsilon,
      float weightDecay, boolean decoupled, float bc1, float bc2, float gradScale) {
    float[] pv = d(p);
    float[] gv = d(g);
    float[] mv = d(m);
    float[] vv = d(v);
    float l2 = decoupled ? 0f : weightDecay;
    float wd = decoupled ? weightDecay : 0f;
    each(n, (from, to) -> {
      int i = from;
      var vb1 = FloatVector.broadcast(S, beta1);
      var vb1c = FloatVector.broadcast(S, 1 - beta1);
      var vb2 = FloatVector.broadcast(S, beta2);
      var vb2c = FloatVector.broadcast(S, 1 - beta2);
      var vbc1 = FloatVector.broadcast(S, 1 / bc1);
      var vbc2 = FloatVector.broadcast(S, 1 / bc2);
      var veps = FloatVector.broadcast(S, epsilon);
      var vlr = FloatVector.broadcast(S, lr);
      for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
        var pi = FloatVector.fromArray(S, pv, i);
        var gi = FloatVector.fromArray(S, gv, i).mul(gradScale).add(pi.mul(l2));
        var mi = FloatVector.fromArray(S, mv, i).mul(vb1).add(gi.mul(vb1c));
        var vi = FloatVector.fromArray(S, vv, i).mul(vb2).add(gi.mul(gi).mul(vb2c));
        mi.intoArray(mv, i);
        vi.intoArray(vv, i);
        var upd = mi.mul(vbc1).div(vi.mul(vbc2).sqrt().add(veps)).add(pi.mul(wd));
        pi.sub(upd.mul(vlr)).intoArray(pv, i);
      }
      for (; i < to; i++) {
        float gi = gv[i] * gradScale + l2 * pv[i];
        float mi = beta1 * mv[i] + (1 - beta1) * gi;
        float vi = beta2 * vv[i] + gi * gi * (1 - beta2);
        mv[i] = mi;
        vv[i] = vi;
        float upd = mi * (1 / bc1) / ((float) Math.sqrt(vi * (1 / bc2)) + epsilon) + wd * pv[i];
        pv[i] = pv[i] - upd * lr;
      }
    });
  }

  @Override
  public void im2col(Tensor x, int rows, ConvGeometry g, Tensor cols) {
    float[] xv = d(x);
    float[] cv = d(cols);
    int patch = g.patchSize();
    int c = g.channels();
    mm.rows(rows * g.positions(), 64, (p0, p1) -> {
      for (int pos = p0; pos < p1; pos++) {
        int n = pos / g.positions();
        int oy = pos % g.positions() / g.outW();
        int ox = pos % g.outW();
        int o = pos * patch;
        int x0 = ox * g.stride() - g.padLeft();
        boolean inside = x0 >= 0 && x0 + g.kw() <= g.width();
        for (int ky = 0; ky < g.kh(); ky++) {
          int y = oy * g.stride() + ky - g.padTop();
          int dst = o + ky * g.kw() * c;
          if (y < 0 || y >= g.height()) {
            Arrays.fill(cv, dst, dst + g.kw() * c, 0f);
          } else if (inside) {
            // The window's row in the image is kw * c contiguous floats (channels last).
            copy(xv, ((n * g.height() + y) * g.width() + x0) * c, cv, dst, g.kw() * c);
          } else {
            for (int kx = 0; kx < g.kw(); kx++) {
              int xx = x0 + kx;
              int at = dst + kx * c;
              if (xx < 0 || xx >= g.width()) {
                Arrays.fill(cv, at, at + c, 0f);
              } else {
                copy(xv, ((n * g.height() + y) * g.width() + xx) * c, cv, at, c);
              }
            }
          }
        }
      }
    });
  }

  /** A short copy: System.arraycopy's call costs more than a loop for a few floats (3 channels). */
  private static void copy(float[] src, int from, float[] dst, int to, int n) {
    if (n < 16) {
      for (int i = 0; i < n; i++) {
        dst[to + i] = src[from + i];
      }
    } else {
      System.arraycopy(src, from, dst, to, n);
    }
  }

  @Override
  public void col2im(Tensor cols, int rows, ConvGeometry g, Tensor dx) {
    float[] cv = d(cols);
    float[] dv = d(dx);
    int patch = g.patchSize();
    int c = g.channels();
    int pixels = g.height() * g.width();
    int stride = g.stride();
    // Gather: each input pixel sums the patch entries it was copied to, in a fixed (ky, kx) order.
    mm.rows(rows * pixels, 64, (q0, q1) -> {
      int n = q0 / pixels;
      int y = q0 % pixels / g.width();
      int xx = q0 % g.width();
      int[] sources = new int[g.kh() * g.kw()];
      for (int q = q0; q < q1; q++) {
        int o = q * c;
        // The patch entries that cover (y, xx), in (ky, kx) order: for stride 1 a range of window
        // positions, found without a division per position.
        int count = 0;
        int ky0 = stride == 1 ? Math.max(0, y + g.padTop() - g.outH() + 1) : 0;
        int ky1 = stride == 1 ? Math.min(g.kh() - 1, y + g.padTop()) : g.kh() - 1;
        int kx0 = stride == 1 ? Math.max(0, xx + g.padLeft() - g.outW() + 1) : 0;
        int kx1 = stride == 1 ? Math.min(g.kw() - 1, xx + g.padLeft()) : g.kw() - 1;
        for (int ky = ky0; ky <= ky1; ky++) {
          int ty = y + g.padTop() - ky;
          if (stride != 1 && (ty < 0 || ty % stride != 0 || ty / stride >= g.outH())) {
            continue;
          }
          int row = stride == 1 ? ty : ty / stride;
          for (int kx = kx0; kx <= kx1; kx++) {
            int tx = xx + g.padLeft() - kx;
            if (stride != 1 && (tx < 0 || tx % stride != 0 || tx / stride >= g.outW())) {
              continue;
            }
            int col = stride == 1 ? tx : tx / stride;
            sources[count++] = ((n * g.outH() + row) * g.outW() + col) * patch + (ky * g.kw() + kx) * c;
          }
        }
        int ch = 0;
        for (int upper = S.loopBound(c); ch < upper; ch += S.length()) {
          var sum = FloatVector.zero(S);
          for (int i = 0; i < count; i++) {
            sum = sum.add(FloatVector.fromArray(S, cv, sources[i] + ch));
          }
          sum.intoArray(dv, o + ch);
        }
        for (; ch < c; ch++) {
          float sum = 0;
          for (int i = 0; i < count; i++) {
            sum += cv[sources[i] + ch];
          }
          dv[o + ch] = sum;
        }
        if (++xx == g.width()) {
          xx = 0;
          if (++y == g.height()) {
            y = 0;
            n++;
          }
        }
      }
    });
  }

  /** Offsets in a channels-last image of each window position (ky, kx), in window order. */
  private static int[] windowOffsets(ConvGeometry g) {
    int[] offsets = new int[g.kh() * g.kw()];
    for (int ky = 0; ky < g.kh(); ky++) {
      for (int kx = 0; kx < g.kw(); kx++) {
        offsets[ky * g.kw() + kx] = (ky * g.width() + kx) * g.channels();
      }
    }
    return offsets;
  }

  @Override
  public void maxPool(Tensor x, int rows, ConvGeometry g, Tensor out, Tensor argmax) {
    float[] xv = d(x);
    float[] ov = d(out);
    float[] av = d(argmax);
    int c = g.channels();
    int[] offsets = windowOffsets(g);
    mm.rows(rows * g.positions(), 64, (p0, p1) -> {
      int n = p0 / g.positions();
      int oy = p0 % g.positions() / g.outW();
      int ox = p0 % g.outW();
      for (int pos = p0; pos < p1; pos++) {
        int o = pos * c;
        int base = ((n * g.height() + oy * g.stride()) * g.width() + ox * g.stride()) * c;
        // Channels a vector at a time (channels last: contiguous), the running maximum and its
        // window position in registers across the window.
        int ch = 0;
        for (int upper = S.loopBound(c); ch < upper; ch += S.length()) {
          var max = FloatVector.fromArray(S, xv, base + ch);
          var arg = FloatVector.zero(S);
          for (int w = 1; w < offsets.length; w++) {
            var value = FloatVector.fromArray(S, xv, base + offsets[w] + ch);
            // Strictly greater: the first maximum in window order wins.
            var greater = value.compare(VectorOperators.GT, max);
            max = max.blend(value, greater);
            arg = arg.blend(FloatVector.broadcast(S, (float) w), greater);
          }
          max.intoArray(ov, o + ch);
          arg.intoArray(av, o + ch);
        }
        for (; ch < c; ch++) {
          float max = xv[base + ch];
          int arg = 0;
          for (int w = 1; w < offsets.length; w++) {
            float value = xv[base + offsets[w] + ch];
            if (value > max) {
              max = value;
              arg = w;
            }
          }
          ov[o + ch] = max;
          av[o + ch] = arg;
        }
        if (++ox == g.outW()) {
          ox = 0;
          if (++oy == g.outH()) {
            oy = 0;
            n++;
          }
        }
      }
    });
  }

  @Override
  public void maxPoolBackward(Tensor grad, Tensor argmax, int rows, ConvGeometry g, Tensor dx) {
    float[] gv = d(grad);
    float[] av = d(argmax);
    float[] dv = d(dx);
    int c = g.channels();
    if (g.stride() >= g.kh() && g.stride() >= g.kw()) {
      // Windows do not overlap: each input receives at most one gradient, so scattering each output's
      // gradient to its maximum gives the same values as gathering, without a search per input.
      java.util.Arrays.fill(dv, 0, rows * g.inSize(), 0f);
      int[] offsets = windowOffsets(g);
      mm.rows(rows * g.positions(), 64, (p0, p1) -> {
        int n = p0 / g.positions();
        int oy = p0 % g.positions() / g.outW();
        int ox = p0 % g.outW();
        for (int pos = p0; pos < p1; pos++) {
          int o = pos * c;
          int base = ((n * g.height() + oy * g.stride()) * g.width() + ox * g.stride()) * c;
          for (int ch = 0; ch < c; ch++) {
            dv[base + offsets[(int) av[o + ch]] + ch] = gv[o + ch];
          }
          if (++ox == g.outW()) {
            ox = 0;
            if (++oy == g.outH()) {
              oy = 0;
              n++;
            }
          }
        }
      });
      return;
    }
    int pixels = g.height() * g.width();
    mm.rows(rows * pixels, 64, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        int n = q / pixels;
        int y = q % pixels / g.width();
        int xx = q % g.width();
        for (int ch = 0; ch < c; ch++) {
          float s = 0;
          for (int ky = 0; ky < g.kh(); ky++) {
            int ty = y - ky;
            if (ty < 0 || ty % g.stride() != 0 || ty / g.stride() >= g.outH()) {
              continue;
            }
            for (int kx = 0; kx < g.kw(); kx++) {
              int tx = xx - kx;
              if (tx < 0 || tx % g.stride() != 0 || tx / g.stride() >= g.outW()) {
                continue;
              }
              int o = ((n * g.outH() + ty / g.stride()) * g.outW() + tx / g.stride()) * c + ch;
              if ((int) av[o] == ky * g.kw() + kx) {
                s += gv[o];
              }
            }
          }
          dv[q * c + ch] = s;
        }
      }
    });
  }

  @Override
  public void batchNormTrain(Tensor x, int m, int c, Tensor gamma, Tensor beta, float epsilon, float momentum,
      Tensor invStd, Tensor xhat, Tensor out, Tensor runMean, Tensor runVar) {
    float[] xv = d(x);
    float[] gm = d(gamma);
    float[] bt = d(beta);
    float[] is = d(invStd);
    float[] xh = d(xhat);
    float[] ov = d(out);
    float[] rm = d(runMean);
    float[] rv = d(runVar);
    mm.rows(c, 2, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        float sum = 0;
        for (int r = 0; r < m; r++) {
          sum += xv[r * c + ch];
        }
        float mean = sum / m;
        float sq = 0;
        for (int r = 0; r < m; r++) {
          float dlt = xv[r * c + ch] - mean;
          sq += dlt * dlt;
        }
        float var = sq / m;
        float inv = (float) (1 / Math.sqrt(var + epsilon));
        is[ch] = inv;
        for (int r = 0; r < m; r++) {
          int i = r * c + ch;
          xh[i] = (xv[i] - mean) * inv;
          ov[i] = gm[ch] * xh[i] + bt[ch];
        }
        rm[ch] = momentum * rm[ch] + (1 - momentum) * mean;
        rv[ch] = momentum * rv[ch] + (1 - momentum) * var;
      }
    });
  }

  @Override
  public void batchNormInfer(Tensor x, int m, int c, Tensor gamma, Tensor beta, Tensor runMean, Tensor runVar,
      float epsilon, Tensor out) {
    float[] xv = d(x);
    float[] gm = d(gamma);
    float[] bt = d(beta);
    float[] rm = d(runMean);
    float[] rv = d(runVar);
    float[] ov = d(out);
    each(m * c, (from, to) -> {
      for (int i = from; i < to; i++) {
        int ch = i % c;
        float inv = (float) (1 / Math.sqrt(rv[ch] + epsilon));
        ov[i] = gm[ch] * ((xv[i] - rm[ch]) * inv) + bt[ch];
      }
    });
  }

  @Override
  public void batchNormBackward(Tensor g, Tensor xhat, Tensor gamma, Tensor invStd, int m, int c, Tensor dx,
      Tensor dgamma, Tensor dbeta) {
    float[] gv = d(g);
    float[] xh = d(xhat);
    float[] gm = d(gamma);
    float[] is = d(invStd);
    float[] dv = d(dx);
    float[] dg = d(dgamma);
    float[] db = d(dbeta);
    mm.rows(c, 2, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        float sumG = 0;
        float sumGx = 0;
        for (int r = 0; r < m; r++) {
          int i = r * c + ch;
          sumG += gv[i];
          sumGx += gv[i] * xh[i];
        }
        dg[ch] = sumGx;
        db[ch] = sumG;
        float k = gm[ch] * is[ch] / m;
        for (int r = 0; r < m; r++) {
          int i = r * c + ch;
          dv[i] = k * (m * gv[i] - sumG - xh[i] * sumGx);
        }
      }
    });
  }

  @Override
  public void embedding(Tensor ids, int n, Tensor table, int dim, Tensor out) {
    float[] iv = d(ids);
    float[] tv = d(table);
    float[] ov = d(out);
    int vocab = tv.length / dim;
    for (int i = 0; i < n; i++) {
      float id = iv[i];
      if (id != Math.rint(id) || id < 0 || id >= vocab) {
        throw new IllegalArgumentException("embedding expected an integer id in [0, " + vocab + ") at position " + i
            + ", got " + id);
      }
    }
    mm.rows(n, 64, (i0, i1) -> {
      for (int i = i0; i < i1; i++) {
        System.arraycopy(tv, (int) iv[i] * dim, ov, i * dim, dim);
      }
    });
  }

  @Override
  public void embeddingBackward(Tensor ids, int n, Tensor grad, int dim, int vocab, Tensor gradTable) {
    float[] iv = d(ids);
    float[] gv = d(grad);
    float[] tv = d(gradTable);
    Arrays.fill(tv, 0, vocab * dim, 0f);
    // Each thread owns a range of columns and adds the ids in order: deterministic.
    mm.rows(dim, 2, (j0, j1) -> {
      for (int i = 0; i < n; i++) {
        int row = (int) iv[i] * dim;
        for (int j = j0; j < j1; j++) {
          tv[row + j] += gv[i * dim + j];
        }
      }
    });
  }

  @Override
  public void close() {
    mm.close();
  }
}
