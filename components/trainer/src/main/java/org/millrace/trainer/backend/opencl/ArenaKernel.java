package org.millrace.trainer.backend.opencl;

import com.aparapi.Kernel;

/**
 * Every device kernel of the OpenCL backend, in one Aparapi kernel so that all of them share one
 * device buffer: {@link #mem} holds every tensor (weights, gradients, optimizer slots,
 * activations) at fixed offsets and stays on the device (explicit mode); {@link #io},
 * {@link #ioOut} and the smaller {@link #ioSmall} are the staging buffers for the only transfers,
 * input batches in and results out. {@link #op} selects
 * the operation, the {@code i*} and {@code f*} fields are its arguments, set on the host only
 * through the typed setter of each operation ({@code setProduct}, {@code setLoss}, ...).
 *
 * <p>Aparapi translates this bytecode to OpenCL C: only primitive fields and arrays, no objects,
 * no calls outside this class. Each operation's reference is the same-named method of
 * {@link org.millrace.trainer.backend.JavaBackend}, and tests compare the two.
 */
public final class ArenaKernel extends Kernel {
  static final int COPY_IN = 0;
  static final int COPY_OUT = 1;
  static final int COPY = 2;
  static final int FILL = 3;
  static final int GEMM = 4;
  static final int BIAS_ACT = 5;
  static final int ACT_BACKWARD = 6;
  static final int COLUMN_SUMS = 7;
  static final int SOFTMAX = 8;
  static final int SOFTMAX_BACKWARD = 9;
  static final int DROPOUT = 10;
  static final int MULTIPLY = 11;
  static final int LOSS = 12;
  static final int SUM_INTO = 13;
  static final int SQUARES_PARTIAL = 14;
  static final int SGD = 15;
  static final int ADAM = 16;
  static final int IM2COL = 17;
  static final int COL2IM = 18;
  static final int MAXPOOL = 19;
  static final int MAXPOOL_BACKWARD = 20;
  static final int BN_TRAIN = 21;
  static final int BN_INFER = 22;
  static final int BN_BACKWARD = 23;
  static final int EMBEDDING = 24;
  static final int EMBEDDING_BACKWARD = 25;
  static final int BIAS_ACT_BACKWARD = 26;
  static final int GEMM_WIDE = 27;
  static final int SGD_ALL = 28;
  static final int ADAM_ALL = 29;
  static final int GEMM_BIG = 30;
  static final int GATHER = 31;

  /** Epilogues of the products (field i9): none, bias + activation, activation derivative, column sums. */
  static final int PLAIN = 0;
  static final int BIAS_ACTIVATION = 1;
  static final int DERIVATIVE = 2;
  static final int COLUMN_SUMS_ROW = 3;

  /** Ints per tensor in {@link #tab}: offsets of the parameter, gradient, two slots, and the size. */
  static final int TAB = 5;

  /** Rows per work item of the first pass of the fused bias/activation backward. */
  static final int ROW_BLOCK = 32;

  /** Side of a work group of the matrix product; each work item computes a 2x2 block of C. */
  static final int GROUP = 16;
  /** Side of the C tile of a work group (GROUP x 2). */
  static final int TILE = 32;
  /** Depth of the A and B tiles staged in local memory. */
  static final int DEPTH = 16;
  /** Side of the C tile of a work group of the wide product (GROUP x 4): each work item computes 4x4 values. */
  static final int WIDE = 64;
  /** Side of the C tile of a work group of the big product (GROUP x 8): each work item computes 8x8 values. */
  static final int BIG = 128;
  /** Depth of the tiles of the big product (its tiles take as much local memory as the wide product's). */
  static final int BIG_DEPTH = 8;

  float[] mem;
  /** Staging for uploads larger than {@link #ioSmall}, sized to them by the backend. */
  float[] io;
  /** Staging for downloads larger than {@link #ioSmall}, sized to them by the backend. */
  float[] ioOut;
  float[] ioSmall;
  /** The tensors of a multi-tensor optimizer step, {@link #TAB} ints each (offsets into the arena are ints). */
  int[] tab;
  @Local final float[] tileA = new float[WIDE * DEPTH];
  @Local final float[] tileB = new float[DEPTH * WIDE];

  int op;
  int n;
  int i0;
  int i1;
  int i2;
  int i3;
  int i4;
  int i5;
  int i6;
  int i7;
  int i8;
  int i9;
  int i10;
  int i11;
  int i12;
  int i13;
  int i14;
  int i15;
  float f0;
  float f1;
  float f2;
  float f3;
  float f4;
  float f5;
  float f6;
  float f7;
  float f8;

  // Typed argument setters, one per operation: the only code on the host that names the
  // positional fields i0..i15 and f0..f8 (Aparapi passes only primitive fields to the device). Each
  // takes arena offsets (ints) and sizes; the launch sets op and n.

  /** {@link #COPY_IN}: the staging buffer (ioSmall when {@code small}, else io) from {@code src} to the arena at {@code dst}. */
  void setCopyIn(int dst, int src, boolean small) {
    i0 = dst;
    i1 = src;
    i2 = small ? 1 : 0;
  }

  /** {@link #COPY_OUT}: the arena from {@code src} to the staging buffer (ioSmall if {@code small}, else ioOut) at {@code dst}. */
  void setCopyOut(int src, int dst, boolean small) {
    i0 = src;
    i1 = dst;
    i2 = small ? 1 : 0;
  }

  /** {@link #COPY} within the arena. */
  void setCopy(int src, int dst) {
    i0 = src;
    i1 = dst;
  }

  /** {@link #FILL}. */
  void setFill(int t, float value) {
    i0 = t;
    f0 = value;
  }

  /**
   * {@link #GEMM}, {@link #GEMM_WIDE}, {@link #GEMM_BIG}: {@code c (m x n) (+)= op(a) op(b)} over
   * depth {@code k}, then the {@code epilogue} ({@link #PLAIN}, or one whose fields its own setter sets).
   */
  void setProduct(int a, int b, int c, boolean transA, boolean transB, int m, int n, int k, boolean accumulate,
      int epilogue) {
    i0 = a;
    i1 = b;
    i2 = c;
    i3 = transA ? 1 : 0;
    i4 = transB ? 1 : 0;
    i5 = m;
    i6 = n;
    i7 = k;
    i8 = accumulate ? 1 : 0;
    i9 = epilogue;
  }

  /** The {@link #BIAS_ACTIVATION} epilogue: {@code out = act(c + bias)} ({@code bias} -1: none). */
  void setBiasActivationEpilogue(int bias, int activation, int out) {
    i10 = bias;
    i11 = activation;
    i12 = out;
  }

  /** The {@link #DERIVATIVE} epilogue: {@code c *= act'(z)}. */
  void setDerivativeEpilogue(int activation, int z) {
    i11 = activation;
    i13 = z;
  }

  /** The {@link #COLUMN_SUMS_ROW} epilogue: the product's extra row goes to {@code columnSums}. */
  void setColumnSumsEpilogue(int columnSums) {
    i15 = columnSums;
  }

  /** {@link #GATHER}: rows {@code order[from..from+rows)} of {@code x} ({@code dim} wide) and {@code y}. */
  void setGather(int x, int y, int dstX, int dim, int from, int order, int dstY, int rows) {
    i0 = x;
    i1 = y;
    i2 = dstX;
    i3 = dim;
    i4 = from;
    i5 = order;
    i6 = dstY;
    i7 = rows;
  }

  /** {@link #BIAS_ACT}: {@code out = act(z + bias)} over rows of {@code cols}. */
  void setBiasAct(int z, int bias, int out, int cols, boolean hasBias, int activation) {
    i0 = z;
    i1 = bias;
    i2 = out;
    i3 = cols;
    i4 = hasBias ? 1 : 0;
    i5 = activation;
  }

  /** {@link #ACT_BACKWARD}: {@code dz = g * act'(z)}. */
  void setActBackward(int g, int z, int activation, int dz) {
    i0 = g;
    i1 = z;
    i2 = activation;
    i3 = dz;
  }

  /** {@link #BIAS_ACT_BACKWARD}: {@code dz = g * act'(z)} and per-block column sums into {@code partial}. */
  void setBiasActBackward(int g, int z, int activation, int dz, int cols, int partial, int rows) {
    i0 = g;
    i1 = z;
    i2 = activation;
    i3 = dz;
    i4 = cols;
    i5 = partial;
    i6 = rows;
  }

  /** {@link #COLUMN_SUMS}. */
  void setColumnSums(int x, int out, int rows, int cols, boolean accumulate) {
    i0 = x;
    i1 = out;
    i2 = rows;
    i3 = cols;
    i4 = accumulate ? 1 : 0;
  }

  /** {@link #SOFTMAX} per row of {@code cols}. */
  void setSoftmax(int x, int out, int cols) {
    i0 = x;
    i1 = out;
    i2 = cols;
  }

  /** {@link #SOFTMAX_BACKWARD}. */
  void setSoftmaxBackward(int g, int y, int dx, int cols) {
    i0 = g;
    i1 = y;
    i2 = dx;
    i3 = cols;
  }

  /** {@link #DROPOUT}: drops with probability {@code rate}, scales the kept by {@code 1 / (1 - rate)}. */
  void setDropout(int x, int out, int mask, int seed, float rate) {
    i0 = x;
    i1 = out;
    i2 = mask;
    i3 = seed;
    f0 = rate;
    f1 = 1f / (1f - rate);
  }

  /** {@link #MULTIPLY} elementwise. */
  void setMultiply(int a, int b, int out) {
    i0 = a;
    i1 = b;
    i2 = out;
  }

  /**
   * {@link #LOSS}: per-row loss and hit into {@code partial} (2 x rows), and the gradient into
   * {@code grad} when {@code hasGrad}.
   */
  void setLoss(int out, int labels, int grad, boolean hasGrad, int width, int loss, int partial, int rows) {
    i0 = out;
    i1 = labels;
    i2 = grad;
    i3 = width;
    i4 = loss;
    i5 = hasGrad ? 1 : 0;
    i6 = partial;
    i7 = rows;
    f0 = rows;
  }

  /** {@link #SUM_INTO}: work item 0 adds the per-row losses to {@code acc}, work item 1 the hits. */
  void setSumInto(int partial, int acc, int rows) {
    i0 = partial;
    i1 = acc;
    i2 = rows;
  }

  /** {@link #SQUARES_PARTIAL}: partial sums of squares of {@code n} values of {@code t}. */
  void setSquaresPartial(int t, int partial, int n) {
    i0 = t;
    i1 = partial;
    i2 = n;
  }

  /** {@link #SGD}'s tensors (its settings: {@link #setSgdSettings}). */
  void setSgd(int p, int g, int velocity) {
    i0 = p;
    i1 = g;
    i2 = velocity;
  }

  /** The settings of {@link #SGD} and {@link #SGD_ALL}. */
  void setSgdSettings(float lr, float momentum, boolean nesterov, float weightDecay, float gradScale) {
    i3 = nesterov ? 1 : 0;
    f0 = lr;
    f1 = momentum;
    f2 = weightDecay;
    f3 = gradScale;
  }

  /** {@link #ADAM}'s tensors (its settings: {@link #setAdamSettings}). */
  void setAdam(int p, int g, int m, int v) {
    i0 = p;
    i1 = g;
    i2 = m;
    i3 = v;
  }

  /**
   * The settings of {@link #ADAM} and {@link #ADAM_ALL}: weight decay added to the gradient (L2) or,
   * when {@code decoupled}, to the step (AdamW); {@code bc1}, {@code bc2} the bias corrections.
   */
  void setAdamSettings(float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
      float bc1, float bc2, float gradScale) {
    f0 = lr;
    f1 = beta1;
    f2 = beta2;
    f3 = epsilon;
    f4 = decoupled ? 0f : weightDecay;
    f5 = decoupled ? weightDecay : 0f;
    f6 = 1 / bc1;
    f7 = 1 / bc2;
    f8 = gradScale;
  }

  /** {@link #SGD_ALL}, {@link #ADAM_ALL}: the number of tensors in {@link #tab}. */
  void setTableRows(int count) {
    i9 = count;
  }

  /** The geometry of {@link #IM2COL}, {@link #COL2IM}, {@link #MAXPOOL} and {@link #MAXPOOL_BACKWARD}. */
  void setGeometry(int height, int width, int channels, int kh, int kw, int stride, int padTop, int padLeft,
      int outH, int outW) {
    i4 = height;
    i5 = width;
    i6 = channels;
    i7 = kh;
    i8 = kw;
    i9 = stride;
    i10 = padTop;
    i11 = padLeft;
    i12 = outH;
    i13 = outW;
  }

  /** {@link #IM2COL} (geometry: {@link #setGeometry}). */
  void setIm2col(int x, int cols) {
    i0 = x;
    i1 = cols;
  }

  /** {@link #COL2IM} (geometry: {@link #setGeometry}). */
  void setCol2im(int cols, int dx) {
    i0 = cols;
    i1 = dx;
  }

  /** {@link #MAXPOOL} (geometry: {@link #setGeometry}). */
  void setMaxPool(int x, int out, int argmax) {
    i0 = x;
    i1 = out;
    i2 = argmax;
  }

  /** {@link #MAXPOOL_BACKWARD} (geometry: {@link #setGeometry}). */
  void setMaxPoolBackward(int grad, int argmax, int dx) {
    i0 = grad;
    i1 = argmax;
    i2 = dx;
  }

  /** {@link #BN_TRAIN} over {@code m} rows of {@code c} channels. */
  void setBatchNormTrain(int x, int gamma, int beta, int invStd, int xhat, int out, int runMean, int runVar, int m,
      int c, float epsilon, float momentum) {
    i0 = x;
    i1 = gamma;
    i2 = beta;
    i3 = invStd;
    i4 = xhat;
    i5 = out;
    i6 = runMean;
    i7 = runVar;
    i9 = m;
    i10 = c;
    f0 = epsilon;
    f1 = momentum;
  }

  /** {@link #BN_INFER} with {@code c} channels. */
  void setBatchNormInfer(int x, int gamma, int beta, int runMean, int runVar, int out, int c, float epsilon) {
    i0 = x;
    i1 = gamma;
    i2 = beta;
    i3 = runMean;
    i4 = runVar;
    i5 = out;
    i6 = c;
    f0 = epsilon;
  }

  /** {@link #BN_BACKWARD} over {@code m} rows of {@code c} channels. */
  void setBatchNormBackward(int g, int xhat, int gamma, int invStd, int dx, int dgamma, int dbeta, int m, int c) {
    i0 = g;
    i1 = xhat;
    i2 = gamma;
    i3 = invStd;
    i4 = dx;
    i5 = dgamma;
    i6 = dbeta;
    i9 = m;
    i10 = c;
  }

  /** {@link #EMBEDDING}: rows {@code ids} of {@code table} ({@code vocab} x {@code dim}). */
  void setEmbedding(int ids, int table, int out, int dim, int vocab) {
    i0 = ids;
    i1 = table;
    i2 = out;
    i3 = dim;
    i4 = vocab;
  }

  /** {@link #EMBEDDING_BACKWARD}: {@code n} rows of {@code grad} added into {@code gradTable}. */
  void setEmbeddingBackward(int ids, int gradTable, int grad, int dim, int vocab, int n) {
    i0 = ids;
    i1 = gradTable;
    i2 = grad;
    i3 = dim;
    i4 = vocab;
    i5 = n;
  }

  ArenaKernel(float[] mem, float[] io, float[] ioOut, float[] ioSmall, int[] tab) {
    this.mem = mem;
    this.io = io;
    this.ioOut = ioOut;
    this.ioSmall = ioSmall;
    this.tab = tab;
  }

  @Override
  public void run() {
    if (op == GEMM) {
      gemm();
    } else if (op == GEMM_WIDE) {
      gemmWide();
    } else if (op == GEMM_BIG) {
      gemmBig();
    } else {
      int g = getGlobalId(0);
      if (g < n) {
        if (op == COPY_IN) {
          mem[i0 + g] = i2 == 1 ? ioSmall[i1 + g] : io[i1 + g];
        } else if (op == COPY_OUT) {
          if (i2 == 1) {
            ioSmall[i1 + g] = mem[i0 + g];
          } else {
            ioOut[i1 + g] = mem[i0 + g];
          }
        } else if (op == COPY) {
          mem[i1 + g] = mem[i0 + g];
        } else if (op == FILL) {
          mem[i0 + g] = f0;
        } else if (op == BIAS_ACT) {
          biasAct(g);
        } else if (op == ACT_BACKWARD) {
          mem[i3 + g] = mem[i0 + g] * derivative(i2, mem[i1 + g]);
        } else if (op == COLUMN_SUMS) {
          columnSum(g);
        } else if (op == BIAS_ACT_BACKWARD) {
          biasActBackwardBlock(g);
        } else if (op == SOFTMAX) {
          softmaxRow(g);
        } else if (op == SOFTMAX_BACKWARD) {
          softmaxBackwardRow(g);
        } else if (op == DROPOUT) {
          float m = uniform(i3, g) >= f0 ? f1 : 0f;
          mem[i2 + g] = m;
          mem[i1 + g] = mem[i0 + g] * m;
        } else if (op == MULTIPLY) {
          mem[i2 + g] = mem[i0 + g] * mem[i1 + g];
        } else if (op == LOSS) {
          lossRow(g);
        } else if (op == SUM_INTO) {
          sumInto(g);
        } else if (op == SQUARES_PARTIAL) {
          squaresPartial(g);
        } else if (op == SGD) {
          sgdAt(i0 + g, i1 + g, i2 + g);
        } else if (op == SGD_ALL || op == ADAM_ALL) {
          stepOfTable(g);
        } else if (op == ADAM) {
          adamAt(i0 + g, i1 + g, i2 + g, i3 + g);
        } else if (op == IM2COL) {
          im2col(g);
        } else if (op == COL2IM) {
          col2im(g);
        } else if (op == MAXPOOL) {
          maxPool(g);
        } else if (op == MAXPOOL_BACKWARD) {
          maxPoolBackward(g);
        } else if (op == BN_TRAIN) {
          bnTrain(g);
        } else if (op == BN_INFER) {
          int ch = g % i6;
          float inv = 1f / sqrt(mem[i4 + ch] + f0);
          mem[i5 + g] = mem[i1 + ch] * ((mem[i0 + g] - mem[i3 + ch]) * inv) + mem[i2 + ch];
        } else if (op == BN_BACKWARD) {
          bnBackward(g);
        } else if (op == EMBEDDING) {
          embedding(g);
        } else if (op == EMBEDDING_BACKWARD) {
          embeddingBackward(g);
        } else if (op == GATHER) {
          gather(g);
        }
      }
    }
  }

  // ---- matrix product: C (i5 x i6) at i2 = op(A) at i0 * op(B) at i1, depth i7; i3/i4 transpose A/B; i8 accumulate.

  private float loadA(int row, int p) {
    float v = 0f;
    if (p < i7) {
      if (row < i5) {
        v = i3 == 1 ? mem[i0 + p * i5 + row] : mem[i0 + row * i7 + p];
      } else if (row == i5 && i9 == COLUMN_SUMS_ROW) {
        // The extra row of ones: its product row is the column sums of B.
        v = 1f;
      }
    }
    return v;
  }

  private float loadB(int p, int col) {
    float v = 0f;
    if (p < i7 && col < i6) {
      v = i4 == 1 ? mem[i1 + col * i7 + p] : mem[i1 + p * i6 + col];
    }
    return v;
  }

  private void gemm() {
    int tx = getLocalId(0);
    int ty = getLocalId(1);
    int col0 = getGroupId(0) * TILE;
    int row0 = getGroupId(1) * TILE;
    int lin = ty * GROUP + tx;
    float c00 = 0f;
    float c01 = 0f;
    float c10 = 0f;
    float c11 = 0f;
    for (int p0 = 0; p0 < i7; p0 += DEPTH) {
      // 256 work items stage 512 values of each tile: two each.
      for (int e = lin; e < TILE * DEPTH; e += GROUP * GROUP) {
        int ar = e / DEPTH;
        int ap = e % DEPTH;
        tileA[e] = loadA(row0 + ar, p0 + ap);
        int bp = e / TILE;
        int bc = e % TILE;
        tileB[e] = loadB(p0 + bp, col0 + bc);
      }
      localBarrier();
      for (int p = 0; p < DEPTH; p++) {
        float a0 = tileA[(ty * 2) * DEPTH + p];
        float a1 = tileA[(ty * 2 + 1) * DEPTH + p];
        float b0 = tileB[p * TILE + tx * 2];
        float b1 = tileB[p * TILE + tx * 2 + 1];
        c00 = fma(a0, b0, c00);
        c01 = fma(a0, b1, c01);
        c10 = fma(a1, b0, c10);
        c11 = fma(a1, b1, c11);
      }
      localBarrier();
    }
    int r = row0 + ty * 2;
    int c = col0 + tx * 2;
    store(r, c, c00);
    store(r, c + 1, c01);
    store(r + 1, c, c10);
    store(r + 1, c + 1, c11);
  }

  /**
   * The product for larger matrices: a 64x64 tile of C per work group of 16x16, each work item
   * holding a 4x4 block in registers (rows ty + 16i, columns tx + 16j, so adjacent work items
   * touch adjacent columns and stores coalesce). Tiles are staged depth-major in local memory; the
   * loads walk each operand along its contiguous dimension, whichever way it is transposed.
   */
  private void gemmWide() {
    int tx = getLocalId(0);
    int ty = getLocalId(1);
    int col0 = getGroupId(0) * WIDE;
    int row0 = getGroupId(1) * WIDE;
    int lin = ty * GROUP + tx;
    float c00 = 0f;
    float c01 = 0f;
    float c02 = 0f;
    float c03 = 0f;
    float c10 = 0f;
    float c11 = 0f;
    float c12 = 0f;
    float c13 = 0f;
    float c20 = 0f;
    float c21 = 0f;
    float c22 = 0f;
    float c23 = 0f;
    float c30 = 0f;
    float c31 = 0f;
    float c32 = 0f;
    float c33 = 0f;
    for (int p0 = 0; p0 < i7; p0 += DEPTH) {
      for (int e = lin; e < WIDE * DEPTH; e += GROUP * GROUP) {
        // A (rows x depth): row-major walks depth fastest, transposed walks rows fastest.
        int ar = i3 == 1 ? e % WIDE : e / DEPTH;
        int ap = i3 == 1 ? e / WIDE : e % DEPTH;
        tileA[ap * WIDE + ar] = loadA(row0 + ar, p0 + ap);
        // B (depth x cols): row-major walks columns fastest, transposed walks depth fastest.
        int bp = i4 == 1 ? e % DEPTH : e / WIDE;
        int bc = i4 == 1 ? e / DEPTH : e % WIDE;
        tileB[bp * WIDE + bc] = loadB(p0 + bp, col0 + bc);
      }
      localBarrier();
      for (int p = 0; p < DEPTH; p++) {
        int ao = p * WIDE + ty;
        int bo = p * WIDE + tx;
        float a0 = tileA[ao];
        float a1 = tileA[ao + GROUP];
        float a2 = tileA[ao + 2 * GROUP];
        float a3 = tileA[ao + 3 * GROUP];
        float b0 = tileB[bo];
        float b1 = tileB[bo + GROUP];
        float b2 = tileB[bo + 2 * GROUP];
        float b3 = tileB[bo + 3 * GROUP];
        c00 = fma(a0, b0, c00);
        c01 = fma(a0, b1, c01);
        c02 = fma(a0, b2, c02);
        c03 = fma(a0, b3, c03);
        c10 = fma(a1, b0, c10);
        c11 = fma(a1, b1, c11);
        c12 = fma(a1, b2, c12);
        c13 = fma(a1, b3, c13);
        c20 = fma(a2, b0, c20);
        c21 = fma(a2, b1, c21);
        c22 = fma(a2, b2, c22);
        c23 = fma(a2, b3, c23);
        c30 = fma(a3, b0, c30);
        c31 = fma(a3, b1, c31);
        c32 = fma(a3, b2, c32);
        c33 = fma(a3, b3, c33);
      }
      localBarrier();
    }
    int r = row0 + ty;
    int c = col0 + tx;
    int s = GROUP;
    store(r, c, c00);
    store(r, c + s, c01);
    store(r, c + 2 * s, c02);
    store(r, c + 3 * s, c03);
    store(r + s, c, c10);
    store(r + s, c + s, c11);
    store(r + s, c + 2 * s, c12);
    store(r + s, c + 3 * s, c13);
    store(r + 2 * s, c, c20);
    store(r + 2 * s, c + s, c21);
    store(r + 2 * s, c + 2 * s, c22);
    store(r + 2 * s, c + 3 * s, c23);
    store(r + 3 * s, c, c30);
    store(r + 3 * s, c + s, c31);
    store(r + 3 * s, c + 2 * s, c32);
    store(r + 3 * s, c + 3 * s, c33);
  }

  /**
   * The product for large matrices: a 128x128 tile of C per work group of 16x16, each work item
   * holding an 8x8 block in registers (rows ty + 16i, columns tx + 16j: adjacent work items touch
   * adjacent columns, so local reads are free of bank conflicts and stores coalesce). Tiles of depth
   * {@link #BIG_DEPTH} are staged depth-major in local memory, loaded along each operand's contiguous
   * dimension. The accumulators are 64 scalars rather than a private array so that the OpenCL
   * compiler keeps them in registers (the pattern of {@link #gemmWide}, twice as wide each way).
   */
  private void gemmBig() {
    int tx = getLocalId(0);
    int ty = getLocalId(1);
    int col0 = getGroupId(0) * BIG;
    int row0 = getGroupId(1) * BIG;
    int lin = ty * GROUP + tx;
    float c00 = 0f;
    float c01 = 0f;
    float c02 = 0f;
    float c03 = 0f;
    float c04 = 0f;
    float c05 = 0f;
    float c06 = 0f;
    float c07 = 0f;
    float c10 = 0f;
    float c11 = 0f;
    float c12 = 0f;
    float c13 = 0f;
    float c14 = 0f;
    float c15 = 0f;
    float c16 = 0f;
    float c17 = 0f;
    float c20 = 0f;
    float c21 = 0f;
    float c22 = 0f;
    float c23 = 0f;
    float c24 = 0f;
    float c25 = 0f;
    float c26 = 0f;
    float c27 = 0f;
    float c30 = 0f;
    float c31 = 0f;
    float c32 = 0f;
    float c33 = 0f;
    float c34 = 0f;
    float c35 = 0f;
    float c36 = 0f;
    float c37 = 0f;
    float c40 = 0f;
    float c41 = 0f;
    float c42 = 0f;
    float c43 = 0f;
    float c44 = 0f;
    float c45 = 0f;
    float c46 = 0f;
    float c47 = 0f;
    float c50 = 0f;
    float c51 = 0f;
    float c52 = 0f;
    float c53 = 0f;
    float c54 = 0f;
    float c55 = 0f;
    float c56 = 0f;
    float c57 = 0f;
    float c60 = 0f;
    float c61 = 0f;
    float c62 = 0f;
    float c63 = 0f;
    float c64 = 0f;
    float c65 = 0f;
    float c66 = 0f;
    float c67 = 0f;
    float c70 = 0f;
    float c71 = 0f;
    float c72 = 0f;
    float c73 = 0f;
    float c74 = 0f;
    float c75 = 0f;
    float c76 = 0f;
    float c77 = 0f;
    for (int p0 = 0; p0 < i7; p0 += BIG_DEPTH) {
      for (int e = lin; e < BIG * BIG_DEPTH; e += GROUP * GROUP) {
        int ar = i3 == 1 ? e % BIG : e / BIG_DEPTH;
        int ap = i3 == 1 ? e / BIG : e % BIG_DEPTH;
        tileA[ap * BIG + ar] = loadA(row0 + ar, p0 + ap);
        int bp = i4 == 1 ? e % BIG_DEPTH : e / BIG;
        int bc = i4 == 1 ? e / BIG_DEPTH : e % BIG;
        tileB[bp * BIG + bc] = loadB(p0 + bp, col0 + bc);
      }
      localBarrier();
      for (int p = 0; p < BIG_DEPTH; p++) {
        int ao = p * BIG + ty;
        int bo = p * BIG + tx;
        float a0 = tileA[ao];
        float a1 = tileA[ao + 1 * GROUP];
        float a2 = tileA[ao + 2 * GROUP];
        float a3 = tileA[ao + 3 * GROUP];
        float a4 = tileA[ao + 4 * GROUP];
        float a5 = tileA[ao + 5 * GROUP];
        float a6 = tileA[ao + 6 * GROUP];
        float a7 = tileA[ao + 7 * GROUP];
        float b0 = tileB[bo];
        float b1 = tileB[bo + 1 * GROUP];
        float b2 = tileB[bo + 2 * GROUP];
        float b3 = tileB[bo + 3 * GROUP];
        float b4 = tileB[bo + 4 * GROUP];
        float b5 = tileB[bo + 5 * GROUP];
        float b6 = tileB[bo + 6 * GROUP];
        float b7 = tileB[bo + 7 * GROUP];
        c00 = fma(a0, b0, c00);
        c01 = fma(a0, b1, c01);
        c02 = fma(a0, b2, c02);
        c03 = fma(a0, b3, c03);
        c04 = fma(a0, b4, c04);
        c05 = fma(a0, b5, c05);
        c06 = fma(a0, b6, c06);
        c07 = fma(a0, b7, c07);
        c10 = fma(a1, b0, c10);
        c11 = fma(a1, b1, c11);
        c12 = fma(a1, b2, c12);
        c13 = fma(a1, b3, c13);
        c14 = fma(a1, b4, c14);
        c15 = fma(a1, b5, c15);
        c16 = fma(a1, b6, c16);
        c17 = fma(a1, b7, c17);
        c20 = fma(a2, b0, c20);
        c21 = fma(a2, b1, c21);
        c22 = fma(a2, b2, c22);
        c23 = fma(a2, b3, c23);
        c24 = fma(a2, b4, c24);
        c25 = fma(a2, b5, c25);
        c26 = fma(a2, b6, c26);
        c27 = fma(a2, b7, c27);
        c30 = fma(a3, b0, c30);
        c31 = fma(a3, b1, c31);
        c32 = fma(a3, b2, c32);
        c33 = fma(a3, b3, c33);
        c34 = fma(a3, b4, c34);
        c35 = fma(a3, b5, c35);
        c36 = fma(a3, b6, c36);
        c37 = fma(a3, b7, c37);
        c40 = fma(a4, b0, c40);
        c41 = fma(a4, b1, c41);
        c42 = fma(a4, b2, c42);
        c43 = fma(a4, b3, c43);
        c44 = fma(a4, b4, c44);
        c45 = fma(a4, b5, c45);
        c46 = fma(a4, b6, c46);
        c47 = fma(a4, b7, c47);
        c50 = fma(a5, b0, c50);
        c51 = fma(a5, b1, c51);
        c52 = fma(a5, b2, c52);
        c53 = fma(a5, b3, c53);
        c54 = fma(a5, b4, c54);
        c55 = fma(a5, b5, c55);
        c56 = fma(a5, b6, c56);
        c57 = fma(a5, b7, c57);
        c60 = fma(a6, b0, c60);
        c61 = fma(a6, b1, c61);
        c62 = fma(a6, b2, c62);
        c63 = fma(a6, b3, c63);
        c64 = fma(a6, b4, c64);
        c65 = fma(a6, b5, c65);
        c66 = fma(a6, b6, c66);
        c67 = fma(a6, b7, c67);
        c70 = fma(a7, b0, c70);
        c71 = fma(a7, b1, c71);
        c72 = fma(a7, b2, c72);
        c73 = fma(a7, b3, c73);
        c74 = fma(a7, b4, c74);
        c75 = fma(a7, b5, c75);
        c76 = fma(a7, b6, c76);
        c77 = fma(a7, b7, c77);
      }
      localBarrier();
    }
    int r = row0 + ty;
    int c = col0 + tx;
    int s = GROUP;
    store(r, c, c00);
    store(r, c + s, c01);
    store(r, c + 2 * s, c02);
    store(r, c + 3 * s, c03);
    store(r, c + 4 * s, c04);
    store(r, c + 5 * s, c05);
    store(r, c + 6 * s, c06);
    store(r, c + 7 * s, c07);
    store(r + s, c, c10);
    store(r + s, c + s, c11);
    store(r + s, c + 2 * s, c12);
    store(r + s, c + 3 * s, c13);
    store(r + s, c + 4 * s, c14);
    store(r + s, c + 5 * s, c15);
    store(r + s, c + 6 * s, c16);
    store(r + s, c + 7 * s, c17);
    store(r + 2 * s, c, c20);
    store(r + 2 * s, c + s, c21);
    store(r + 2 * s, c + 2 * s, c22);
    store(r + 2 * s, c + 3 * s, c23);
    store(r + 2 * s, c + 4 * s, c24);
    store(r + 2 * s, c + 5 * s, c25);
    store(r + 2 * s, c + 6 * s, c26);
    store(r + 2 * s, c + 7 * s, c27);
    store(r + 3 * s, c, c30);
    store(r + 3 * s, c + s, c31);
    store(r + 3 * s, c + 2 * s, c32);
    store(r + 3 * s, c + 3 * s, c33);
    store(r + 3 * s, c + 4 * s, c34);
    store(r + 3 * s, c + 5 * s, c35);
    store(r + 3 * s, c + 6 * s, c36);
    store(r + 3 * s, c + 7 * s, c37);
    store(r + 4 * s, c, c40);
    store(r + 4 * s, c + s, c41);
    store(r + 4 * s, c + 2 * s, c42);
    store(r + 4 * s, c + 3 * s, c43);
    store(r + 4 * s, c + 4 * s, c44);
    store(r + 4 * s, c + 5 * s, c45);
    store(r + 4 * s, c + 6 * s, c46);
    store(r + 4 * s, c + 7 * s, c47);
    store(r + 5 * s, c, c50);
    store(r + 5 * s, c + s, c51);
    store(r + 5 * s, c + 2 * s, c52);
    store(r + 5 * s, c + 3 * s, c53);
    store(r + 5 * s, c + 4 * s, c54);
    store(r + 5 * s, c + 5 * s, c55);
    store(r + 5 * s, c + 6 * s, c56);
    store(r + 5 * s, c + 7 * s, c57);
    store(r + 6 * s, c, c60);
    store(r + 6 * s, c + s, c61);
    store(r + 6 * s, c + 2 * s, c62);
    store(r + 6 * s, c + 3 * s, c63);
    store(r + 6 * s, c + 4 * s, c64);
    store(r + 6 * s, c + 5 * s, c65);
    store(r + 6 * s, c + 6 * s, c66);
    store(r + 6 * s, c + 7 * s, c67);
    store(r + 7 * s, c, c70);
    store(r + 7 * s, c + s, c71);
    store(r + 7 * s, c + 2 * s, c72);
    store(r + 7 * s, c + 3 * s, c73);
    store(r + 7 * s, c + 4 * s, c74);
    store(r + 7 * s, c + 5 * s, c75);
    store(r + 7 * s, c + 6 * s, c76);
    store(r + 7 * s, c + 7 * s, c77);
  }

  /**
   * Writes value (r, c) of a product through its epilogue (i9): plain (added to C when i8 == 1);
   * bias + activation (z = v + bias at i10, or v when i10 < 0; C is z, and act i11 (z) goes to
   * i12 unless that is C itself); activation derivative (C = v * act'(z at i13), act i11); or
   * column sums (the extra row m, of ones times B, goes to i15).
   */
  private void store(int r, int c, float v) {
    if (c < i6) {
      if (r < i5) {
        int e = r * i6 + c;
        int o = i2 + e;
        if (i9 == BIAS_ACTIVATION) {
          float z = i10 >= 0 ? v + mem[i10 + c] : v;
          mem[o] = z;
          if (i12 != i2) {
            mem[i12 + e] = activate(i11, z);
          }
        } else if (i9 == DERIVATIVE) {
          mem[o] = v * derivative(i11, mem[i13 + e]);
        } else {
          mem[o] = i8 == 1 ? mem[o] + v : v;
        }
      } else if (r == i5 && i9 == COLUMN_SUMS_ROW) {
        mem[i15 + c] = v;
      }
    }
  }

  // ---- element-wise

  /** Activation codes: the ordinals of {@link org.millrace.trainer.backend.Activation}. */
  private float activate(int act, float z) {
    float r = z;
    if (act == 1) {
      r = z > 0f ? z : 0f;
    } else if (act == 2) {
      r = z > 0f ? z : 0.01f * z;
    } else if (act == 3) {
      r = 0.5f * z * (1f + tanh(0.7978845608f * (z + 0.044715f * z * z * z)));
    } else if (act == 4) {
      r = 1f / (1f + exp(-z));
    } else if (act == 5) {
      r = tanh(z);
    }
    return r;
  }

  private float derivative(int act, float z) {
    float r = 1f;
    if (act == 1) {
      r = z > 0f ? 1f : 0f;
    } else if (act == 2) {
      r = z > 0f ? 1f : 0.01f;
    } else if (act == 3) {
      float u = 0.7978845608f * (z + 0.044715f * z * z * z);
      float t = tanh(u);
      float du = 0.7978845608f * (1f + 3f * 0.044715f * z * z);
      r = 0.5f * (1f + t) + 0.5f * z * (1f - t * t) * du;
    } else if (act == 4) {
      float s = 1f / (1f + exp(-z));
      r = s * (1f - s);
    } else if (act == 5) {
      float t = tanh(z);
      r = 1f - t * t;
    }
    return r;
  }

  /** z at i0 (+ bias at i1 when i4 == 1, per column of i3), out at i2 = act i5 (z). */
  private void biasAct(int g) {
    float z = mem[i0 + g];
    if (i4 == 1) {
      z = z + mem[i1 + g % i3];
      mem[i0 + g] = z;
    }
    mem[i2 + g] = activate(i5, z);
  }

  /**
   * One block of {@link #ROW_BLOCK} rows of one column (g = block * cols + column) of the fused
   * bias/activation backward: {@code dz} at i3 = g at i0 times act'(z at i1) for activation i2 (not
   * written when linear), and the block's column sum at i5 + g; i4 cols, i6 rows. Adjacent work
   * items read adjacent columns, so loads coalesce; the partial sums are added up by COLUMN_SUMS.
   */
  private void biasActBackwardBlock(int g) {
    int j = g % i4;
    int r0 = (g / i4) * ROW_BLOCK;
    int r1 = min(i6, r0 + ROW_BLOCK);
    float s = 0f;
    for (int r = r0; r < r1; r++) {
      int o = r * i4 + j;
      float v = mem[i0 + o];
      if (i2 != 0) {
        v = v * derivative(i2, mem[i1 + o]);
        mem[i3 + o] = v;
      }
      s += v;
    }
    mem[i5 + g] = s;
  }

  /** Column g of x at i0 (i2 rows x i3 cols) summed into out at i1 (added when i4 == 1). */
  private void columnSum(int g) {
    float s = 0f;
    for (int r = 0; r < i2; r++) {
      s += mem[i0 + r * i3 + g];
    }
    mem[i1 + g] = i4 == 1 ? mem[i1 + g] + s : s;
  }

  /** Row g of x at i0 (i2 cols) into out at i1. */
  private void softmaxRow(int g) {
    int o = g * i2;
    float max = -3.4028235e38f;
    for (int j = 0; j < i2; j++) {
      max = max(max, mem[i0 + o + j]);
    }
    float sum = 0f;
    for (int j = 0; j < i2; j++) {
      float e = exp(mem[i0 + o + j] - max);
      mem[i1 + o + j] = e;
      sum += e;
    }
    for (int j = 0; j < i2; j++) {
      mem[i1 + o + j] = mem[i1 + o + j] / sum;
    }
  }

  /** g at i0, y at i1, dx at i2, i3 cols. */
  private void softmaxBackwardRow(int g) {
    int o = g * i3;
    float dot = 0f;
    for (int j = 0; j < i3; j++) {
      dot += mem[i0 + o + j] * mem[i1 + o + j];
    }
    for (int j = 0; j < i3; j++) {
      mem[i2 + o + j] = mem[i1 + o + j] * (mem[i0 + o + j] - dot);
    }
  }

  /** The MurmurHash3 finalizer of (seed, index), as {@code Backend.uniform}, with masked shifts. */
  private float uniform(int seed, int index) {
    int x = index * 0x9E3779B9 + seed;
    x ^= (x >> 16) & 0xFFFF;
    x *= 0x85EBCA6B;
    x ^= (x >> 13) & 0x7FFFF;
    x *= 0xC2B2AE35;
    x ^= (x >> 16) & 0xFFFF;
    return ((x >> 8) & 0xFFFFFF) * 5.9604645e-8f;
  }

  /**
   * Row g: outputs at i0 (i3 wide), labels at i1, gradient at i2 (when i5 == 1), loss kind i4
   * (0 softmax CE, 1 binary CE, 2 MSE), row count f0 (for the mean); the row's loss goes to
   * i6 + g and its correctness to i6 + i7 + g.
   */
  private void lossRow(int g) {
    int o = i0 + g * i3;
    float y = mem[i1 + g];
    float loss = 0f;
    float correct = 0f;
    float inv = 1f / f0;
    if (i4 == 0) {
      int label = (int) y;
      float max = -3.4028235e38f;
      int arg = 0;
      for (int j = 0; j < i3; j++) {
        if (mem[o + j] > max) {
          max = mem[o + j];
          arg = j;
        }
      }
      float sum = 0f;
      for (int j = 0; j < i3; j++) {
        sum += exp(mem[o + j] - max);
      }
      float logSum = log(sum) + max;
      loss = logSum - mem[o + label];
      correct = arg == label ? 1f : 0f;
      if (i5 == 1) {
        for (int j = 0; j < i3; j++) {
          float p = exp(mem[o + j] - logSum);
          mem[i2 + g * i3 + j] = (p - (j == label ? 1f : 0f)) * inv;
        }
      }
    } else if (i4 == 1) {
      float z = mem[o];
      loss = max(z, 0f) - z * y + log1p(exp(-abs(z)));
      int predicted = z > 0f ? 1 : 0;
      int actual = y > 0.5f ? 1 : 0;
      correct = predicted == actual ? 1f : 0f;
      if (i5 == 1) {
        mem[i2 + g] = (1f / (1f + exp(-z)) - y) * inv;
      }
    } else {
      float d = mem[o] - y;
      loss = d * d;
      if (i5 == 1) {
        mem[i2 + g] = 2f * d * inv;
      }
    }
    mem[i6 + g] = loss;
    mem[i6 + i7 + g] = correct;
  }

  /** Work item g: mem[i1 + g] += the sum of the i2 values at i0 + g * i2 (sequential, deterministic). */
  private void sumInto(int g) {
    float s = 0f;
    int from = i0 + g * i2;
    for (int i = 0; i < i2; i++) {
      s += mem[from + i];
    }
    mem[i1 + g] = mem[i1 + g] + s;
  }

  /** Work item g of n sums the squares of values g, g + n, ... below i2 at i0 into i1 + g. */
  private void squaresPartial(int g) {
    float s = 0f;
    for (int i = g; i < i2; i += n) {
      s += mem[i0 + i] * mem[i0 + i];
    }
    mem[i1 + g] = s;
  }

  /** p i0, g i1, vel i2; f0 lr, f1 momentum, f2 weight decay, f3 grad scale; i3 nesterov. */
  /** SGD of one value: p at ip, gradient at ig, velocity at iv; f0 lr, f1 momentum, f2 decay, f3 scale, i3 Nesterov. */
  private void sgdAt(int ip, int ig, int iv) {
    float p = mem[ip];
    float gi = mem[ig] * f3 + f2 * p;
    float v = f1 * mem[iv] + gi;
    mem[iv] = v;
    float upd = i3 == 1 ? gi + f1 * v : (f1 > 0f ? v : gi);
    mem[ip] = p - f0 * upd;
  }

  /** Value g of the concatenated tensors of {@link #tab}: one SGD or Adam update (op). */
  private void stepOfTable(int g) {
    int t = tensorOf(g);
    int e = g - startOf(t);
    int row = t * TAB;
    if (op == SGD_ALL) {
      sgdAt(tab[row] + e, tab[row + 1] + e, tab[row + 2] + e);
    } else {
      adamAt(tab[row] + e, tab[row + 1] + e, tab[row + 2] + e, tab[row + 3] + e);
    }
  }

  /** The tensor (of i9 in {@link #tab}) that value g of the concatenated tensors falls in. */
  private int tensorOf(int g) {
    int t = 0;
    int end = tab[4];
    while (t < i9 - 1 && g >= end) {
      t++;
      end = end + tab[t * TAB + 4];
    }
    return t;
  }

  /** Where tensor t starts in the concatenation of the tensors of {@link #tab}. */
  private int startOf(int t) {
    int start = 0;
    for (int u = 0; u < t; u++) {
      start = start + tab[u * TAB + 4];
    }
    return start;
  }

  /**
   * Adam of one value: p at ip, gradient at ig, moments at im and iv; f0 lr, f1 beta1, f2 beta2,
   * f3 epsilon, f4 L2, f5 decoupled decay, f6 1/bc1, f7 1/bc2, f8 grad scale.
   */
  private void adamAt(int ip, int ig, int im, int iv) {
    float p = mem[ip];
    float gi = mem[ig] * f8 + f4 * p;
    float m = mem[im] * f1 + gi * (1f - f1);
    float v = mem[iv] * f2 + gi * gi * (1f - f2);
    mem[im] = m;
    mem[iv] = v;
    float upd = m * f6 / (sqrt(v * f7) + f3) + p * f5;
    mem[ip] = p - upd * f0;
  }

  // ---- convolution geometry: i4 height, i5 width, i6 channels, i7 kh, i8 kw, i9 stride, i10 padTop,
  // i11 padLeft, i12 outH, i13 outW.

  /** Position g (image, oy, ox): its patch from x at i0 into cols at i1. */
  private void im2col(int g) {
    int positions = i12 * i13;
    int img = g / positions;
    int oy = g % positions / i13;
    int ox = g % i13;
    int patch = i7 * i8 * i6;
    for (int ky = 0; ky < i7; ky++) {
      int y = oy * i9 + ky - i10;
      for (int kx = 0; kx < i8; kx++) {
        int xx = ox * i9 + kx - i11;
        int dst = i1 + g * patch + (ky * i8 + kx) * i6;
        boolean inside = y >= 0 && y < i4 && xx >= 0 && xx < i5;
        int src = i0 + ((img * i4 + y) * i5 + xx) * i6;
        for (int ch = 0; ch < i6; ch++) {
          mem[dst + ch] = inside ? mem[src + ch] : 0f;
        }
      }
    }
  }

  /** Input pixel g (image, y, x): sums the patch entries from cols at i0 it was copied to, into dx at i1. */
  private void col2im(int g) {
    int pixels = i4 * i5;
    int img = g / pixels;
    int y = g % pixels / i5;
    int xx = g % i5;
    int patch = i7 * i8 * i6;
    int o = i1 + g * i6;
    for (int ch = 0; ch < i6; ch++) {
      mem[o + ch] = 0f;
    }
    for (int ky = 0; ky < i7; ky++) {
      int ty = y + i10 - ky;
      boolean rowOk = ty >= 0 && ty % i9 == 0 && ty / i9 < i12;
      for (int kx = 0; kx < i8; kx++) {
        int tx = xx + i11 - kx;
        if (rowOk && tx >= 0 && tx % i9 == 0 && tx / i9 < i13) {
          int src = i0 + ((img * i12 + ty / i9) * i13 + tx / i9) * patch + (ky * i8 + kx) * i6;
          for (int ch = 0; ch < i6; ch++) {
            mem[o + ch] = mem[o + ch] + mem[src + ch];
          }
        }
      }
    }
  }

  /** Output value g (position, channel): max of its window of x at i0 into out at i1, offset into argmax at i2. */
  private void maxPool(int g) {
    int pos = g / i6;
    int ch = g % i6;
    int positions = i12 * i13;
    int img = pos / positions;
    int oy = pos % positions / i13;
    int ox = pos % i13;
    float best = -3.4028235e38f;
    int arg = 0;
    for (int ky = 0; ky < i7; ky++) {
      for (int kx = 0; kx < i8; kx++) {
        float v = mem[i0 + ((img * i4 + oy * i9 + ky) * i5 + ox * i9 + kx) * i6 + ch];
        if (v > best) {
          best = v;
          arg = ky * i8 + kx;
        }
      }
    }
    mem[i1 + g] = best;
    mem[i2 + g] = arg;
  }

  /** Input value g: sum of the gradients (at i0) of the windows whose maximum it was (argmax at i1), into dx at i2. */
  private void maxPoolBackward(int g) {
    int pixel = g / i6;
    int ch = g % i6;
    int pixels = i4 * i5;
    int img = pixel / pixels;
    int y = pixel % pixels / i5;
    int xx = pixel % i5;
    float s = 0f;
    for (int ky = 0; ky < i7; ky++) {
      int ty = y - ky;
      boolean rowOk = ty >= 0 && ty % i9 == 0 && ty / i9 < i12;
      for (int kx = 0; kx < i8; kx++) {
        int tx = xx - kx;
        if (rowOk && tx >= 0 && tx % i9 == 0 && tx / i9 < i13) {
          int o = ((img * i12 + ty / i9) * i13 + tx / i9) * i6 + ch;
          if ((int) mem[i1 + o] == ky * i8 + kx) {
            s += mem[i0 + o];
          }
        }
      }
    }
    mem[i2 + g] = s;
  }

  // ---- batch norm over i9 rows of i10 channels

  /**
   * Channel g: x i0, gamma i1, beta i2, invStd i3, xhat i4, out i5, running mean i6, running var i7;
   * f0 epsilon, f1 momentum.
   */
  private void bnTrain(int g) {
    float sum = 0f;
    for (int r = 0; r < i9; r++) {
      sum += mem[i0 + r * i10 + g];
    }
    float mean = sum / i9;
    float sq = 0f;
    for (int r = 0; r < i9; r++) {
      float d = mem[i0 + r * i10 + g] - mean;
      sq += d * d;
    }
    float var = sq / i9;
    float inv = 1f / sqrt(var + f0);
    mem[i3 + g] = inv;
    for (int r = 0; r < i9; r++) {
      int i = r * i10 + g;
      float xh = (mem[i0 + i] - mean) * inv;
      mem[i4 + i] = xh;
      mem[i5 + i] = mem[i1 + g] * xh + mem[i2 + g];
    }
    mem[i6 + g] = f1 * mem[i6 + g] + (1f - f1) * mean;
    mem[i7 + g] = f1 * mem[i7 + g] + (1f - f1) * var;
  }

  /** Channel g: grad i0, xhat i1, gamma i2, invStd i3, dx i4, dgamma i5, dbeta i6. */
  private void bnBackward(int g) {
    float sumG = 0f;
    float sumGx = 0f;
    for (int r = 0; r < i9; r++) {
      int i = r * i10 + g;
      sumG += mem[i0 + i];
      sumGx += mem[i0 + i] * mem[i1 + i];
    }
    mem[i5 + g] = sumGx;
    mem[i6 + g] = sumG;
    float k = mem[i2 + g] * mem[i3 + g] / i9;
    for (int r = 0; r < i9; r++) {
      int i = r * i10 + g;
      mem[i4 + i] = k * (i9 * mem[i0 + i] - sumG - mem[i1 + i] * sumGx);
    }
  }

  // ---- embedding: ids i0, table i1 (i4 rows of i3), out / grad i2, n ids in i5

  /** Value g of the output: id g / dim, column g % dim; ids out of range give 0 (the host checks ids first). */
  /**
   * One value of a batch gathered on the device: for g below i7 rows times i3 values, value g of
   * the batch (row order[i4 + r], order at i5) from x at i0 into i2; above, the label of row
   * g - i7 * i3 from y at i1 into i6.
   */
  private void gather(int g) {
    int values = i7 * i3;
    if (g < values) {
      int r = g / i3;
      int row = (int) mem[i5 + i4 + r];
      mem[i2 + g] = mem[i0 + row * i3 + (g - r * i3)];
    } else {
      int r = g - values;
      mem[i6 + r] = mem[i1 + (int) mem[i5 + i4 + r]];
    }
  }

  private void embedding(int g) {
    int id = (int) mem[i0 + g / i3];
    mem[i2 + g] = id >= 0 && id < i4 ? mem[i1 + id * i3 + g % i3] : 0f;
  }

  /** Column g of the table gradient (at i1): every row zeroed, then each id's gradient row added in order. */
  private void embeddingBackward(int g) {
    for (int v = 0; v < i4; v++) {
      mem[i1 + v * i3 + g] = 0f;
    }
    for (int i = 0; i < i5; i++) {
      int id = (int) mem[i0 + i];
      if (id >= 0 && id < i4) {
        mem[i1 + id * i3 + g] = mem[i1 + id * i3 + g] + mem[i2 + i * i3 + g];
      }
    }
  }
}
