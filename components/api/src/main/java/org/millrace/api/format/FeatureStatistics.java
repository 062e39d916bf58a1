package org.millrace.api.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.millrace.api.data.FeatureType;

/**
 * Statistics of one feature in one split: counts, and either numeric or categorical details.
 *
 * @param rows rows seen
 * @param present rows with a value
 * @param missing rows without a value
 * @param nan float values that were NaN (present, but not numbers)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureStatistics(String name, FeatureType type, long rows, long present, long missing, long nan,
    Numeric numeric, Categorical categorical) {

  /** Fraction of rows with a value. */
  public double presence() {
    return rows == 0 ? 0 : (double) present / rows;
  }

  /**
   * Numbers: min/max/mean/std (population), zeros, quantiles by rank ("0.5" is the median), and a
   * 10-bucket equal-width histogram over [min, max].
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Numeric(Double min, Double max, Double mean, Double std, long zeros, Map<String, Double> quantiles,
      List<Long> histogram) {}

  /**
   * Strings and bools: distinct values (exact when {@code exact}; past 10,000 a HyperLogLog
   * estimate, about 0.8% relative error), the 20 most frequent, all counts kept (up to 10,000
   * values), and the mean string length.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Categorical(long unique, boolean exact, List<ValueCount> top, Map<String, Long> counts,
      Double averageLength) {}

  public record ValueCount(String value, long count) {}
}
