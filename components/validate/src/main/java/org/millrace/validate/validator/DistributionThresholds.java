package org.millrace.validate.validator;

import java.util.Map;
import org.millrace.api.spec.ParameterException;

/**
 * Thresholds for drift or skew: a default for every feature and per-feature overrides. The distance
 * is the L-infinity distance of value frequencies for strings and bools, and the Jensen–Shannon
 * divergence (base 2, in [0, 1]) of histograms for numbers.
 */
public record DistributionThresholds(Double defaultThreshold, Map<String, Double> features) {
  public DistributionThresholds {
    features = features == null ? Map.of() : Map.copyOf(features);
    if (defaultThreshold != null && (defaultThreshold < 0 || defaultThreshold > 1)) {
      throw new ParameterException("default_threshold", "default_threshold expected a value in [0, 1], got " + defaultThreshold);
    }
    features.forEach((k, v) -> {
      if (v == null || v < 0 || v > 1) {
        throw new ParameterException("features." + k, "threshold of '" + k + "' expected a value in [0, 1], got " + v);
      }
    });
  }

  /** The threshold of a feature, or null when it is not checked. */
  public Double of(String feature) {
    return features.getOrDefault(feature, defaultThreshold);
  }
}
