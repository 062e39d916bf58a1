package org.millrace.transform.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import org.millrace.api.data.Column;

/**
 * Count, mean, variance, min, max and quantiles of a numeric analysis point.
 *
 * <p>Moments: each batch is reduced with Welford's algorithm (stable within the batch); batch
 * partials {@code (n, n*mean, M2 + n*mean^2)} are then summed exactly in {@link BigDecimal}, so the
 * merge neither cancels catastrophically nor depends on the order in which runners combine.
 */
public final class NumericStats implements Accumulator {
  private long count;
  private long missing;
  private BigDecimal sum = BigDecimal.ZERO;
  private BigDecimal sumSq = BigDecimal.ZERO;
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
    long n = 0;
    double mean = 0;
    double m2 = 0;
    for (int i = 0; i < v.length; i++) {
      if (d.isNull(i)) {
        missing++;
        continue;
      }
      double x = v[i];
      n++;
      double delta = x - mean;
      mean += delta / n;
      m2 += delta * (x - mean);
      if (x < min) {
        min = x;
      }
      if (x > max) {
        max = x;
      }
      sketch.add(x);
    }
    if (n > 0) {
      count += n;
      BigDecimal bn = BigDecimal.valueOf(n);
      BigDecimal bmean = new BigDecimal(mean);
      sum = sum.add(bn.multiply(bmean));
      sumSq = sumSq.add(new BigDecimal(m2)).add(bn.multiply(bmean).multiply(bmean));
    }
  }

  @Override
  public void merge(Accumulator other) {
    var o = (NumericStats) other;
    count += o.count;
    missing += o.missing;
    sum = sum.add(o.sum);
    sumSq = sumSq.add(o.sumSq);
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
    return sum.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
  }

  /** Population standard deviation. */
  public double std() {
    BigDecimal n = BigDecimal.valueOf(count);
    BigDecimal var = sumSq.subtract(sum.multiply(sum).divide(n, MathContext.DECIMAL128)).divide(n, MathContext.DECIMAL128);
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
    s.sum = new BigDecimal(n.get("sum").asText());
    s.sumSq = new BigDecimal(n.get("sum_sq").asText());
    if (n.has("min")) {
      s.min = n.get("min").asDouble();
      s.max = n.get("max").asDouble();
    }
    return s;
  }
}
