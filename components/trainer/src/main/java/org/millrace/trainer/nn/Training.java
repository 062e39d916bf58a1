package org.millrace.trainer.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.millrace.trainer.data.DenseData;

/**
 * The training loop: mini-batches in a per-epoch shuffled order drawn from the seed, validation
 * after each epoch, early stopping on the validation loss (restoring the best weights).
 * Same data, configuration and seed give the same weights.
 */
public final class Training {
  private Training() {}

  /** What a run produced. */
  public record Result(List<EpochMetrics> history, int bestEpoch, boolean stoppedEarly) {}

  public static Result run(Network net, Loss loss, Optimizer opt, DenseData train, DenseData eval, int epochs,
      int batchSize, long seed, Integer patience, double minDelta, Consumer<EpochMetrics> onEpoch) {
    if (train.dim() != net.inputSize()) {
      throw new IllegalArgumentException("training data expected " + net.inputSize() + " features per row, got "
          + train.dim());
    }
    var rnd = new SplittableRandom(seed);
    int[] order = new int[train.rows()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    var history = new ArrayList<EpochMetrics>();
    double best = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    List<float[]> bestParams = copy(net.parameters());
    int sinceBest = 0;
    boolean stopped = false;
    int width = net.outputSize();
    for (int epoch = 1; epoch <= epochs; epoch++) {
      long t0 = System.currentTimeMillis();
      SplittableRandom epochRnd = rnd.split();
      shuffle(order, epochRnd);
      double sum = 0;
      for (int from = 0; from < order.length; from += batchSize) {
        int to = Math.min(order.length, from + batchSize);
        int rows = to - from;
        float[] out = net.forward(train.gatherFeatures(order, from, to), rows, epochRnd);
        float[] grad = new float[out.length];
        sum += loss.lossAndGradient(out, train.gatherLabels(order, from, to), rows, width, grad) * rows;
        net.backward(grad, rows);
        opt.step(net.parameters(), net.gradients());
      }
      double[] val = evaluate(net, loss, eval);
      var m = new EpochMetrics(epoch, sum / train.rows(), val[0], val[1], System.currentTimeMillis() - t0);
      history.add(m);
      onEpoch.accept(m);
      if (val[0] < best - minDelta) {
        best = val[0];
        bestEpoch = epoch;
        bestParams = copy(net.parameters());
        sinceBest = 0;
      } else if (patience != null && ++sinceBest >= patience) {
        stopped = true;
        break;
      }
    }
    restore(net.parameters(), bestParams);
    return new Result(history, bestEpoch, stopped);
  }

  /** Mean loss and accuracy (NaN unless the loss is softmax cross-entropy) of a data set. */
  public static double[] evaluate(Network net, Loss loss, DenseData data) {
    int width = net.outputSize();
    double sum = 0;
    long correct = 0;
    int step = 1024;
    int[] idx = new int[data.rows()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    for (int from = 0; from < data.rows(); from += step) {
      int to = Math.min(data.rows(), from + step);
      int rows = to - from;
      float[] out = net.forward(data.gatherFeatures(idx, from, to), rows, null);
      float[] labels = data.gatherLabels(idx, from, to);
      sum += loss.lossAndGradient(out, labels, rows, width, new float[out.length]) * rows;
      if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
        for (int r = 0; r < rows; r++) {
          int arg = 0;
          for (int j = 1; j < width; j++) {
            if (out[r * width + j] > out[r * width + arg]) {
              arg = j;
            }
          }
          if (arg == (int) labels[r]) {
            correct++;
          }
        }
      }
    }
    return new double[] {sum / data.rows(),
        loss == Loss.SOFTMAX_CROSS_ENTROPY ? (double) correct / data.rows() : Double.NaN};
  }

  static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static List<float[]> copy(List<float[]> params) {
    return params.stream().map(float[]::clone).toList();
  }

  private static void restore(List<float[]> params, List<float[]> saved) {
    for (int i = 0; i < params.size(); i++) {
      System.arraycopy(saved.get(i), 0, params.get(i), 0, params.get(i).length);
    }
  }
}
