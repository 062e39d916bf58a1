package org.millrace.trainer.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Tensor;

/**
 * Looks up a learned vector for each integer id of the input, like Keras {@code Embedding}: an
 * input of {@code fields} ids per example gives {@code fields x outputDim} values. Ids must be
 * integers in [0, inputDim); the training loop checks the data before the first step. It takes no
 * input gradient, so it must be the first layer.
 */
public final class Embedding extends Layer {
  private final int inputDim;
  private final int outputDim;
  private Param table;
  private Tensor ids;
  private Tensor out;

  public Embedding(int inputDim, int outputDim) {
    if (inputDim <= 0 || outputDim <= 0 || inputDim > (1 << 24)) {
      throw new IllegalArgumentException("embedding expected input_dim in [1, 16777216] and output_dim > 0, got "
          + inputDim + " and " + outputDim);
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
  }

  public int inputDim() {
    return inputDim;
  }

  @Override
  public String type() {
    return "embedding";
  }

  @Override
  protected int[] outputShape(int[] in) {
    if (in.length != 1) {
      throw shapeError("a flat input of ids");
    }
    return new int[] {in[0], outputDim};
  }

  @Override
  protected void allocate() {
    table = param("embeddings", inputDim, outputDim);
    out = backend.allocate(maxRows * inSize() * outputDim);
  }

  /** Uniform(-0.05, 0.05), the Keras default. */
  @Override
  protected void initialize(SplittableRandom rnd) {
    uniform(table, rnd, 0.05);
  }

  @Override
  public Tensor forward(Tensor x, int rows, boolean training, int seed) {
    ids = x;
    backend.embedding(x, rows * inSize(), table.value(), outputDim, out);
    return out;
  }

  @Override
  public Tensor backward(Tensor grad, int rows, boolean inputGradient) {
    if (inputGradient) {
      throw new IllegalStateException(name + " (embedding) has no gradient with respect to its integer ids; it must be"
          + " the first layer");
    }
    backend.embeddingBackward(ids, rows * inSize(), grad, outputDim, inputDim, table.grad());
    return null;
  }

  @Override
  public List<Param> params() {
    return List.of(table);
  }

  @Override
  public Map<String, Object> config() {
    var m = new LinkedHashMap<String, Object>();
    m.put("type", type());
    m.put("input_dim", inputDim);
    m.put("output_dim", outputDim);
    return m;
  }
}
