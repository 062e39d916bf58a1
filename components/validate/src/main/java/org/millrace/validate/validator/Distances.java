package org.millrace.validate.validator;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.millrace.api.format.FeatureStatistics;

/** Distances between two distributions of a feature. */
public final class Distances {
  static final int GRID = 20;

  private Distances() {}

  /** L-infinity distance of normalized value frequencies. */
  public static double lInfinity(Map<String, Long> a, Map<String, Long> b) {
    double ta = a.values().stream().mapToLong(Long::longValue).sum();
    double tb = b.values().stream().mapToLong(Long::longValue).sum();
    var keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    double max = 0;
    for (String k : keys) {
      double fa = ta == 0 ? 0 : a.getOrDefault(k, 0L) / ta;
      double fb = tb == 0 ? 0 : b.getOrDefault(k, 0L) / tb;
      max = Math.max(max, Math.abs(fa - fb));
    }
    return max;
  }

  /**
   * Jensen–Shannon divergence (base 2) of two numeric distributions. Each histogram (equal-width
   * buckets over its own [min, max]) is spread uniformly within its buckets onto a common grid of
   * {@value #GRID} buckets over the union of both ranges, then compared.
   */
  public static double jensenShannon(FeatureStatistics.Numeric a, FeatureStatistics.Numeric b) {
    double lo = Math.min(a.min(), b.min());
    double hi = Math.max(a.max(), b.max());
    double[] pa = regrid(a, lo, hi);
    double[] pb = regrid(b, lo, hi);
    double js = 0;
    for (int i = 0; i < GRID; i++) {
      double m = (pa[i] + pb[i]) / 2;
      js += kl(pa[i], m) / 2 + kl(pb[i], m) / 2;
    }
    return Math.max(0, Math.min(1, js));
  }

  private static double kl(double p, double m) {
    return p == 0 ? 0 : p * (Math.log(p / m) / Math.log(2));
  }

  static double[] regrid(FeatureStatistics.Numeric h, double lo, double hi) {
    double[] out = new double[GRID];
    List<Long> counts = h.histogram();
    double total = counts.stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return out;
    }
    if (hi <= lo) {
      out[0] = 1;
      return out;
    }
    double gw = (hi - lo) / GRID;
    double w = (h.max() - h.min()) / counts.size();
    for (int i = 0; i < counts.size(); i++) {
      double mass = counts.get(i) / total;
      if (mass == 0) {
        continue;
      }
      if (w <= 0) {
        out[(int) Math.min(GRID - 1, Math.floor((h.min() - lo) / gw))] += mass;
        continue;
      }
      double b0 = h.min() + i * w;
      double b1 = b0 + w;
      for (int g = 0; g < GRID; g++) {
        double g0 = lo + g * gw;
        double overlap = Math.min(b1, g0 + gw) - Math.max(b0, g0);
        if (overlap > 0) {
          out[g] += mass * overlap / w;
        }
      }
    }
    return out;
  }
}
