package org.millrace.transform.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import org.millrace.api.data.Column;
import org.millrace.api.numeric.ExactSum;

/**
 * Count, mean, variance, min, max and quantiles of a numeric analysis point.
 *
 * <p>Moments: every value and its square are added exactly ({@link ExactSum}), so the sums, and
 * the mean and variance computed from them in {@link BigDecimal}, neither cancel catastrophically
 * nor depend on how a runner cut the rows into batches and bundles or in which order it merges the
 * partial accumulators: the same values give the same bits. Min and max are order-free too
 * ({@code -0.0} is below {@code 0.0}).
 */
public final class NumericStats implements Accumulator {
  private long count;
  private long missing;
  private ExactSum sum = ExactSum.ofValues();
  private ExactSum sumSq = ExactSum.ofSquares();
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private final QuantileSketch sketch;

  public NumericStats() {
    this(new QuantileSketch());
  }

  private NumericStats(QuantileSketch sketch) {
    this.sketch = sketch;
  }

  @Override
  public void add(Column values) {
    var d = (Column.Doubles) values;
    double[] v = d.values();
    for (int i = 0; i < v.length; i++) {
      if (d.isNull(i)) {
        missing++;
        continue;
      }
      double x = v[i];
      count++;
      sum.add(x);
      sumSq.add(x);
      if (!Double.isNaN(x)) {
        // Math.min/max, as in merge: a plain comparison would keep whichever zero came first.
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      sketch.add(x);
    }
  }

  @Override
  public void merge(Accumulator other) {
    var o = (NumericStats) other;
    count += o.count;
    missing += o.missing;
    sum.merge(o.sum);
    sumSq.merge(o.sumSq);
    min = Math.min(min, o.min);
    max = Math.max(max, o.max);
    sketch.merge(o.sketch);
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long missing() {
    return missing;
  }

  public double mean() {
    if (!sum.isFinite()) {
      return sum.doubleValue() / count;
    }
    return sum.toBigDecimal().divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
  }

  /** Population standard deviation. */
  public double std() {
    if (!sum.isFinite()) {
      return Double.NaN;
    }
    BigDecimal n = BigDecimal.valueOf(count);
    BigDecimal sum = this.sum.toBigDecimal();
    BigDecimal var = sumSq.toBigDecimal().subtract(sum.multiply(sum).divide(n, MathContext.DECIMAL128)).divide(n, MathContext.DECIMAL128);
    return var.signum() <= 0 ? 0 : Math.sqrt(var.doubleValue());
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public QuantileSketch sketch() {
    return sketch;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("kind", "numeric").put("count", count).put("missing", missing)
        .put("sum", sum.toString()).put("sum_sq", sumSq.toString());
    if (count > 0) {
      n.put("min", min).put("max", max);
    }
    n.set("quantiles", sketch.toJson());
    return n;
  }

  static NumericStats fromJson(JsonNode n) {
    var s = new NumericStats(QuantileSketch.fromJson(n.get("quantiles")));
    s.count = n.get("count").asLong();
    s.missing = n.get("missing").asLong();
    s.sum = ExactSum.parse(n.get("sum").asText(), false);
    s.sumSq = ExactSum.parse(n.get("sum_sq").asText(), true);
    if (n.has("min")) {
      s.min = n.get("min").asDouble();
      s.max = n.get("max").asDouble();
    }
    return s;
  }
}
