package org.millrace.evaluator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mergeable evaluation state for one slice. Classification keeps counts, the log loss sum, a
 * confusion matrix and, per class, histograms of the predicted probability for positives and
 * negatives in {@value #BUCKETS} buckets (AUC-ROC and AUC-PR from them are exact up to the bucket
 * width, 1e-3); regression keeps the sums for MSE, MAE and R².
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class MetricsAccumulator {
  static final int BUCKETS = 1000;
  private static final double EPS = 1e-15;

  int classes;
  long count;
  double weight;
  double logLoss;
  long[] confusion;
  long[][] positives;
  long[][] negatives;
  double sumProbTrue;
  double sumLabel;
  double sumLabel2;
  double sumPred;
  double sumSqErr;
  double sumAbsErr;

  MetricsAccumulator() {}

  /** {@code classes} 0 for regression. */
  public MetricsAccumulator(int classes) {
    this.classes = classes;
    if (classes > 0) {
      confusion = new long[classes * classes];
      positives = new long[classes][BUCKETS];
      negatives = new long[classes][BUCKETS];
    }
  }

  /** Adds one row: class probabilities (or one value) and the label (class index or value). */
  public void add(float[] out, int offset, float label) {
    count++;
    weight += 1;
    if (classes == 0) {
      double pred = out[offset];
      double err = pred - label;
      sumLabel += label;
      sumLabel2 += (double) label * label;
      sumPred += pred;
      sumSqErr += err * err;
      sumAbsErr += Math.abs(err);
      return;
    }
    int y = (int) label;
    int arg = 0;
    for (int j = 1; j < classes; j++) {
      if (out[offset + j] > out[offset + arg]) {
        arg = j;
      }
    }
    confusion[y * classes + arg]++;
    logLoss -= Math.log(Math.max(EPS, out[offset + y]));
    sumProbTrue += out[offset + y];
    for (int j = 0; j < classes; j++) {
      int b = Math.min(BUCKETS - 1, (int) (out[offset + j] * BUCKETS));
      (j == y ? positives : negatives)[j][b]++;
    }
  }

  public void merge(MetricsAccumulator o) {
    count += o.count;
    weight += o.weight;
    if (classes == 0) {
      sumLabel += o.sumLabel;
      sumLabel2 += o.sumLabel2;
      sumPred += o.sumPred;
      sumSqErr += o.sumSqErr;
      sumAbsErr += o.sumAbsErr;
      return;
    }
    logLoss += o.logLoss;
    sumProbTrue += o.sumProbTrue;
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += o.confusion[i];
    }
    for (int j = 0; j < classes; j++) {
      for (int b = 0; b < BUCKETS; b++) {
        positives[j][b] += o.positives[j][b];
        negatives[j][b] += o.negatives[j][b];
      }
    }
  }

  public long count() {
    return count;
  }

  /** The metrics by name. */
  public Map<String, Double> metrics() {
    var m = new LinkedHashMap<String, Double>();
    m.put("example_count", (double) count);
    m.put("weighted_example_count", weight);
    if (count == 0) {
      return m;
    }
    if (classes == 0) {
      double mse = sumSqErr / count;
      double meanLabel = sumLabel / count;
      double ssTot = sumLabel2 - count * meanLabel * meanLabel;
      m.put("mse", mse);
      m.put("rmse", Math.sqrt(mse));
      m.put("mae", sumAbsErr / count);
      m.put("r2", ssTot <= 0 ? Double.NaN : 1 - sumSqErr / ssTot);
      m.put("mean_label", meanLabel);
      m.put("mean_prediction", sumPred / count);
      return m;
    }
    long correct = 0;
    for (int j = 0; j < classes; j++) {
      correct += confusion[j * classes + j];
    }
    m.put("accuracy", (double) correct / count);
    m.put("log_loss", logLoss / count);
    double p = 0;
    double r = 0;
    double f = 0;
    double aucRoc = 0;
    double aucPr = 0;
    int scored = 0;
    for (int j = 0; j < classes; j++) {
      long tp = confusion[j * classes + j];
      long predicted = 0;
      long actual = 0;
      for (int i = 0; i < classes; i++) {
        predicted += confusion[i * classes + j];
        actual += confusion[j * classes + i];
      }
      double pj = predicted == 0 ? 0 : (double) tp / predicted;
      double rj = actual == 0 ? 0 : (double) tp / actual;
      p += pj;
      r += rj;
      f += pj + rj == 0 ? 0 : 2 * pj * rj / (pj + rj);
      double[] auc = auc(positives[j], negatives[j]);
      if (!Double.isNaN(auc[0])) {
        aucRoc += auc[0];
        aucPr += auc[1];
        scored++;
      }
    }
    m.put("precision_macro", p / classes);
    m.put("recall_macro", r / classes);
    m.put("f1_macro", f / classes);
    m.put("precision_micro", (double) correct / count);
    m.put("recall_micro", (double) correct / count);
    m.put("f1_micro", (double) correct / count);
    m.put("auc_roc", scored == 0 ? Double.NaN : aucRoc / scored);
    m.put("auc_pr", scored == 0 ? Double.NaN : aucPr / scored);
    m.put("mean_predicted_probability_of_label", sumProbTrue / count);
    return m;
  }

  /** One-vs-rest AUC-ROC (trapezoid over bucket thresholds) and AUC-PR (average precision). */
  static double[] auc(long[] pos, long[] neg) {
    long totalPos = 0;
    long totalNeg = 0;
    for (int b = 0; b < BUCKETS; b++) {
      totalPos += pos[b];
      totalNeg += neg[b];
    }
    if (totalPos == 0 || totalNeg == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double roc = 0;
    double ap = 0;
    long tp = 0;
    long fp = 0;
    for (int b = BUCKETS - 1; b >= 0; b--) {
      long tp2 = tp + pos[b];
      long fp2 = fp + neg[b];
      roc += (double) (fp2 - fp) / totalNeg * (tp + tp2) / 2.0 / totalPos;
      if (pos[b] > 0) {
        ap += (double) pos[b] / totalPos * tp2 / (tp2 + fp2);
      }
      tp = tp2;
      fp = fp2;
    }
    return new double[] {roc, ap};
  }

  /** The confusion matrix, rows = label, columns = prediction. */
  public long[][] confusionMatrix() {
    long[][] out = new long[classes][classes];
    for (int i = 0; i < classes; i++) {
      for (int j = 0; j < classes; j++) {
        out[i][j] = confusion[i * classes + j];
      }
    }
    return out;
  }
}
