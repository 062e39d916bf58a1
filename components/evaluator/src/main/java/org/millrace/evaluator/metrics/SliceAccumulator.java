package org.millrace.evaluator.metrics;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Mergeable sufficient statistics of one slice. Classification keeps a weighted confusion matrix,
 * the log-loss sum, per-class one-vs-rest score histograms of {@code buckets} fixed-width bins
 * (for AUC-ROC/AUC-PR; the error is bounded by the weight of positive/negative pairs whose scores
 * fall in the same bin, under 1e-3 at 10,000 bins for smooth score distributions) and calibration
 * bins. Regression keeps weighted moment sums.
 */
public final class SliceAccumulator {
  /** Number of calibration bins. */
  public static final int CALIBRATION_BINS = 10;

  final int classes;
  final int buckets;
  long count;
  double weight;
  // classification
  final double[] confusion;
  double logLoss;
  final double[] pos;
  final double[] neg;
  final double[] calPred = new double[CALIBRATION_BINS];
  final double[] calLabel = new double[CALIBRATION_BINS];
  final double[] calWeight = new double[CALIBRATION_BINS];
  // regression
  double sumSqErr;
  double sumAbsErr;
  double sumLabel;
  double sumLabelSq;
  double sumPred;

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
    weight += w;
    int predicted = 0;
    for (int c = 1; c < classes; c++) {
      if (scores[off + c] > scores[off + predicted]) {
        predicted = c;
      }
    }
    confusion[label * classes + predicted] += w;
    logLoss -= w * Math.log(Math.min(1 - 1e-15, Math.max(1e-15, scores[off + label])));
    if (classes == 2) {
      double p = scores[off + 1];
      add(0, p, label == 1, w);
      int bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) (p * CALIBRATION_BINS)));
      calPred[bin] += w * p;
      calLabel[bin] += w * label;
      calWeight[bin] += w;
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
    weight += w;
    double e = prediction - label;
    sumSqErr += w * e * e;
    sumAbsErr += w * Math.abs(e);
    sumLabel += w * label;
    sumLabelSq += w * label * label;
    sumPred += w * prediction;
  }

  /** Adds {@code other} into this accumulator. */
  public void merge(SliceAccumulator other) {
    if (other.classes != classes || other.buckets != buckets) {
      throw new IllegalArgumentException(String.format(
          "merge expected %d classes/%d buckets, got %d/%d. Did the model change its classes between batches?",
          classes, buckets, other.classes, other.buckets));
    }
    count += other.count;
    weight += other.weight;
    addInto(confusion, other.confusion);
    logLoss += other.logLoss;
    addInto(pos, other.pos);
    addInto(neg, other.neg);
    addInto(calPred, other.calPred);
    addInto(calLabel, other.calLabel);
    addInto(calWeight, other.calWeight);
    sumSqErr += other.sumSqErr;
    sumAbsErr += other.sumAbsErr;
    sumLabel += other.sumLabel;
    sumLabelSq += other.sumLabelSq;
    sumPred += other.sumPred;
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
    double[] scalars = {weight, logLoss, sumSqErr, sumAbsErr, sumLabel, sumLabelSq, sumPred};
    for (double[] a : new double[][] {scalars, confusion, pos, neg, calPred, calLabel, calWeight}) {
      writeSparse(out, a);
    }
  }

  /** Reads what {@link #write} wrote. */
  public static SliceAccumulator read(DataInputStream in) throws IOException {
    var acc = new SliceAccumulator(in.readInt(), in.readInt());
    acc.count = in.readLong();
    double[] scalars = new double[7];
    for (double[] a : new double[][] {scalars, acc.confusion, acc.pos, acc.neg, acc.calPred, acc.calLabel, acc.calWeight}) {
      readSparse(in, a);
    }
    acc.weight = scalars[0];
    acc.logLoss = scalars[1];
    acc.sumSqErr = scalars[2];
    acc.sumAbsErr = scalars[3];
    acc.sumLabel = scalars[4];
    acc.sumLabelSq = scalars[5];
    acc.sumPred = scalars[6];
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
