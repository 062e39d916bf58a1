package org.millrace.evaluator.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.api.format.SliceMetrics;

/**
 * Turns a {@link SliceAccumulator} into metric values. Names: {@code example_count},
 * {@code weighted_example_count}; classification: {@code accuracy}, {@code log_loss},
 * binary {@code precision, recall, f1, auc_roc, auc_pr, mean_prediction, mean_label,
 * calibration} (mean prediction / mean label), multi-class {@code precision_macro,
 * recall_macro, f1_macro, precision_micro, recall_micro, f1_micro, auc_roc_macro, auc_pr_macro};
 * regression: {@code mse, rmse, mae, r2, mean_label, mean_prediction}.
 */
public final class MetricsCalculator {
  private static final int CURVE_POINTS = 101;

  /**
   * Every metric name this class computes for some task (the class comment's list): a threshold on
   * any other name is a mistake to refuse when the pipeline compiles, not a check that fails after
   * training.
   */
  public static final java.util.SortedSet<String> NAMES = java.util.Collections.unmodifiableSortedSet(
      new java.util.TreeSet<>(List.of("example_count", "weighted_example_count", "accuracy", "log_loss", "precision",
          "recall", "f1", "auc_roc", "auc_pr", "mean_prediction", "mean_label", "calibration", "precision_macro",
          "recall_macro", "f1_macro", "auc_roc_macro", "auc_pr_macro", "precision_micro", "recall_micro", "f1_micro",
          "mse", "rmse", "mae", "r2")));

  private MetricsCalculator() {}

  /** Computes every metric of the slice. */
  public static SliceMetrics compute(SliceAccumulator a) {
    Map<String, Double> m = new TreeMap<>();
    m.put("example_count", (double) a.count);
    m.put("weighted_example_count", a.weight());
    if (a.classes == 0) {
      regression(a, m);
      return new SliceMetrics(m, List.of(), List.of(), List.of(), List.of());
    }
    int k = a.classes;
    double correct = 0;
    for (int c = 0; c < k; c++) {
      correct += a.confusion[c * k + c];
    }
    m.put("accuracy", correct / a.weight());
    m.put("log_loss", a.logLoss() / a.weight());
    List<double[]> confusion = new ArrayList<>();
    for (int r = 0; r < k; r++) {
      double[] row = new double[k];
      System.arraycopy(a.confusion, r * k, row, 0, k);
      confusion.add(row);
    }
    List<double[]> roc = new ArrayList<>();
    List<double[]> pr = new ArrayList<>();
    List<double[]> cal = new ArrayList<>();
    if (k == 2) {
      double[] prf = prf(a, 1);
      m.put("precision", prf[0]);
      m.put("recall", prf[1]);
      m.put("f1", prf[2]);
      double[] auc = curves(a, 0, roc, pr);
      m.put("auc_roc", auc[0]);
      m.put("auc_pr", auc[1]);
      double sp = 0;
      double sl = 0;
      for (int b = 0; b < SliceAccumulator.CALIBRATION_BINS; b++) {
        sp += a.calPred(b);
        sl += a.calLabel(b);
        if (a.calWeight(b) > 0) {
          cal.add(new double[] {a.calPred(b) / a.calWeight(b), a.calLabel(b) / a.calWeight(b), a.calWeight(b)});
        }
      }
      m.put("mean_prediction", sp / a.weight());
      m.put("mean_label", sl / a.weight());
      m.put("calibration", sl == 0 ? Double.NaN : sp / sl);
    } else {
      double p = 0;
      double r = 0;
      double f = 0;
      double aucRoc = 0;
      double aucPr = 0;
      for (int c = 0; c < k; c++) {
        double[] prf = prf(a, c);
        p += prf[0];
        r += prf[1];
        f += prf[2];
        double[] auc = curves(a, c, null, null);
        aucRoc += auc[0];
        aucPr += auc[1];
      }
      m.put("precision_macro", p / k);
      m.put("recall_macro", r / k);
      m.put("f1_macro", f / k);
      m.put("auc_roc_macro", aucRoc / k);
      m.put("auc_pr_macro", aucPr / k);
      // single-label: micro precision = micro recall = micro F1 = accuracy
      m.put("precision_micro", correct / a.weight());
      m.put("recall_micro", correct / a.weight());
      m.put("f1_micro", correct / a.weight());
    }
    return new SliceMetrics(m, roc, pr, cal, confusion);
  }

  /** Precision, recall, F1 of class {@code c} (0 where undefined, as scikit-learn's zero_division=0). */
  private static double[] prf(SliceAccumulator a, int c) {
    int k = a.classes;
    double tp = a.confusion[c * k + c];
    double predicted = 0;
    double actual = 0;
    for (int i = 0; i < k; i++) {
      predicted += a.confusion[i * k + c];
      actual += a.confusion[c * k + i];
    }
    double p = predicted == 0 ? 0 : tp / predicted;
    double r = actual == 0 ? 0 : tp / actual;
    double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
    return new double[] {p, r, f};
  }

  /** AUC-ROC (trapezoid) and AUC-PR (average precision, step-wise) from the bucket histograms. */
  private static double[] curves(SliceAccumulator a, int curve, List<double[]> roc, List<double[]> pr) {
    int nb = a.buckets;
    int off = curve * nb;
    double totalPos = 0;
    double totalNeg = 0;
    for (int b = 0; b < nb; b++) {
      totalPos += a.pos[off + b];
      totalNeg += a.neg[off + b];
    }
    if (totalPos == 0 || totalNeg == 0) {
      return new double[] {Double.NaN, totalPos == 0 ? Double.NaN : 1.0};
    }
    double tp = 0;
    double fp = 0;
    double auc = 0;
    double ap = 0;
    int step = Math.max(1, nb / (CURVE_POINTS - 1));
    if (roc != null) {
      roc.add(new double[] {0, 0});
    }
    for (int b = nb - 1; b >= 0; b--) {
      double p = a.pos[off + b];
      double n = a.neg[off + b];
      if (p != 0 || n != 0) {
        auc += n * (tp + tp + p) / 2;
        tp += p;
        fp += n;
        ap += (p / totalPos) * (tp / (tp + fp));
      }
      if (roc != null && b % step == 0 && tp + fp > 0) {
        roc.add(new double[] {fp / totalNeg, tp / totalPos});
        pr.add(new double[] {tp / totalPos, tp / (tp + fp)});
      }
    }
    if (roc != null) {
      roc.add(new double[] {1, 1});
    }
    return new double[] {auc / (totalPos * totalNeg), ap};
  }

  private static void regression(SliceAccumulator a, Map<String, Double> m) {
    double w = a.weight();
    double mse = a.sumSqErr() / w;
    m.put("mse", mse);
    m.put("rmse", Math.sqrt(mse));
    m.put("mae", a.sumAbsErr() / w);
    double sst = a.sumLabelSq() - a.sumLabel() * a.sumLabel() / w;
    m.put("r2", sst <= 0 ? Double.NaN : 1 - a.sumSqErr() / sst);
    m.put("mean_label", a.sumLabel() / w);
    m.put("mean_prediction", a.sumPred() / w);
  }
}
