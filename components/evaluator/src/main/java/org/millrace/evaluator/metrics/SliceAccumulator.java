package org.millrace.evaluator.metrics;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.millrace.api.numeric.ExactSum;

/**
 * Mergeable sufficient statistics of one slice. Classification keeps a weighted confusion matrix,
 * the log-loss sum, per-class one-vs-rest score histograms of {@code buckets} fixed-width bins
 * (for AUC-ROC/AUC-PR; the error is bounded by the weight of positive/negative pairs whose scores
 * fall in the same bin, under 1e-3 at 10,000 bins for smooth score distributions) and calibration
 * bins. Regression keeps weighted moment sums.
 *
 * <p>The sums of non-integer values (weights, log loss, calibration, regression moments) are exact
 * ({@link ExactSum}), rounded once when read, so the metrics are the same bits whatever the order in
 * which rows arrive and partial accumulators merge. The histogram and confusion cells are double
 * sums of weights: exact, and so order-independent, for whole-number weights (no weight column, or
 * counts); with fractional weights their last bits may depend on the merge order.
 */
public final class SliceAccumulator {
  /** Number of calibration bins. */
  public static final int CALIBRATION_BINS = 10;

  final int classes;
  final int buckets;
  long count;
  private final ExactSum weight = ExactSum.ofValues();
  // classification
  final double[] confusion;
  private final ExactSum logLoss = ExactSum.ofValues();
  final double[] pos;
  final double[] neg;
  private final ExactSum[] calPred = sums(CALIBRATION_BINS);
  private final ExactSum[] calLabel = sums(CALIBRATION_BINS);
  private final ExactSum[] calWeight = sums(CALIBRATION_BINS);
  // regression
  private final ExactSum sumSqErr = ExactSum.ofValues();
  private final ExactSum sumAbsErr = ExactSum.ofValues();
  private final ExactSum sumLabel = ExactSum.ofValues();
  private final ExactSum sumLabelSq = ExactSum.ofValues();
  private final ExactSum sumPred = ExactSum.ofValues();

  private static ExactSum[] sums(int n) {
    var a = new ExactSum[n];
    for (int i = 0; i < n; i++) {
      a[i] = ExactSum.ofValues();
    }
    return a;
  }

  /** The ordered list of the exact sums, for merging and encoding. */
  private ExactSum[] exact() {
    var all = new ExactSum[7 + 3 * CALIBRATION_BINS];
    ExactSum[] scalars = {weight, logLoss, sumSqErr, sumAbsErr, sumLabel, sumLabelSq, sumPred};
    System.arraycopy(scalars, 0, all, 0, 7);
    System.arraycopy(calPred, 0, all, 7, CALIBRATION_BINS);
    System.arraycopy(calLabel, 0, all, 7 + CALIBRATION_BINS, CALIBRATION_BINS);
    System.arraycopy(calWeight, 0, all, 7 + 2 * CALIBRATION_BINS, CALIBRATION_BINS);
    return all;
  }

  /** The total weight. */
  double weight() {
    return weight.doubleValue();
  }

  /** The weighted log-loss sum. */
  double logLoss() {
    return logLoss.doubleValue();
  }

  double calPred(int bin) {
    return calPred[bin].doubleValue();
  }

  double calLabel(int bin) {
    return calLabel[bin].doubleValue();
  }

  double calWeight(int bin) {
    return calWeight[bin].doubleValue();
  }

  double sumSqErr() {
    return sumSqErr.doubleValue();
  }

  double sumAbsErr() {
    return sumAbsErr.doubleValue();
  }

  double sumLabel() {
    return sumLabel.doubleValue();
  }

  double sumLabelSq() {
    return sumLabelSq.doubleValue();
  }

  double sumPred() {
    return sumPred.doubleValue();
  }

  /** {@code classes} = 0 for regression. */
  public SliceAccumulator(int classes, int buckets) {
    if (classes == 1 || classes < 0 || buckets < 10) {
      throw new IllegalArgumentException(String.format(
          "slice accumulator expected classes 0 or >= 2 and buckets >= 10, got %d and %d", classes, buckets));
    }
    this.classes = classes;
    this.buckets = buckets;
    this.confusion = new double[classes * classes];
    int curves = classes == 2 ? 1 : classes;
    this.pos = new double[classes == 0 ? 0 : curves * buckets];
    this.neg = new double[classes == 0 ? 0 : curves * buckets];
  }

  public int classes() {
    return classes;
  }

  /** Adds one classification row: probabilities at {@code scores[off..off+classes)}. */
  public void addClassification(double[] scores, int off, int label, double w) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException(String.format(
          "label expected a class index in [0, %d), got %d", classes, label));
    }
    count++;
    weight.add(w);
    int predicted = 0;
    for (int c = 1; c < classes; c++) {
      if (scores[off + c] > scores[off + predicted]) {
        predicted = c;
      }
    }
    confusion[label * classes + predicted] += w;
    logLoss.add(-w * Math.log(Math.min(1 - 1e-15, Math.max(1e-15, scores[off + label]))));
    if (classes == 2) {
      double p = scores[off + 1];
      add(0, p, label == 1, w);
      int bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) (p * CALIBRATION_BINS)));
      calPred[bin].add(w * p);
      calLabel[bin].add(w * label);
      calWeight[bin].add(w);
    } else {
      for (int c = 0; c < classes; c++) {
        add(c, scores[off + c], label == c, w);
      }
    }
  }

  private void add(int curve, double p, boolean positive, double w) {
    int b = Math.min(buckets - 1, Math.max(0, (int) (p * buckets)));
    (positive ? pos : neg)[curve * buckets + b] += w;
  }

  /** Adds one regression row. */
  public void addRegression(double prediction, double label, double w) {
    count++;
    weight.add(w);
    double e = prediction - label;
    sumSqErr.add(w * e * e);
    sumAbsErr.add(w * Math.abs(e));
    sumLabel.add(w * label);
    sumLabelSq.add(w * label * label);
    sumPred.add(w * prediction);
  }

  /** Adds {@code other} into this accumulator. */
  public void merge(SliceAccumulator other) {
    if (other.classes != classes || other.buckets != buckets) {
      throw new IllegalArgumentException(String.format(
          "merge expected %d classes/%d buckets, got %d/%d. Did the model change its classes between batches?",
          classes, buckets, other.classes, other.buckets));
    }
    count += other.count;
    addInto(confusion, other.confusion);
    addInto(pos, other.pos);
    addInto(neg, other.neg);
    ExactSum[] mine = exact();
    ExactSum[] theirs = other.exact();
    for (int i = 0; i < mine.length; i++) {
      mine[i].merge(theirs[i]);
    }
  }

  private static void addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }

  /** Example count (unweighted). */
  public long count() {
    return count;
  }

  /** Binary encoding (for Beam coders). */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(classes);
    out.writeInt(buckets);
    out.writeLong(count);
    for (ExactSum e : exact()) {
      out.writeUTF(e.toJson());
    }
    for (double[] a : new double[][] {confusion, pos, neg}) {
      writeSparse(out, a);
    }
  }

  /** Reads what {@link #write} wrote. */
  public static SliceAccumulator read(DataInputStream in) throws IOException {
    var acc = new SliceAccumulator(in.readInt(), in.readInt());
    acc.count = in.readLong();
    for (ExactSum e : acc.exact()) {
      try {
        e.merge(ExactSum.fromJson(in.readUTF()));
      } catch (IllegalArgumentException bad) {
        throw new IOException("slice accumulator expected an exact sum, got: " + bad.getMessage(), bad);
      }
    }
    for (double[] a : new double[][] {acc.confusion, acc.pos, acc.neg}) {
      readSparse(in, a);
    }
    return acc;
  }

  /** Histograms are mostly empty on small slices: write (index, value) pairs of non-zero cells. */
  private static void writeSparse(DataOutputStream out, double[] a) throws IOException {
    int nonZero = 0;
    for (double v : a) {
      if (v != 0) {
        nonZero++;
      }
    }
    out.writeInt(nonZero);
    for (int i = 0; i < a.length; i++) {
      if (a[i] != 0) {
        out.writeInt(i);
        out.writeDouble(a[i]);
      }
    }
  }

  private static void readSparse(DataInputStream in, double[] a) throws IOException {
    int nonZero = in.readInt();
    if (nonZero < 0 || nonZero > a.length) {
      throw new IOException("slice accumulator expected at most " + a.length + " cells, got " + nonZero);
    }
    for (int k = 0; k < nonZero; k++) {
      int i = in.readInt();
      if (i < 0 || i >= a.length) {
        throw new IOException("slice accumulator cell expected an index in [0, " + a.length + "), got " + i);
      }
      a[i] = in.readDouble();
    }
  }
}
