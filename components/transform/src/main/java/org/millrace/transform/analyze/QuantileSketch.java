package org.millrace.transform.analyze;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Quantiles of a numeric stream, mergeable in any order with a bit-identical result.
 *
 * <p>Exact while the stream has at most {@link #EXACT_LIMIT} distinct values (a value to count
 * map: memory O(distinct)). Beyond that it becomes a DDSketch-style log-bucket histogram with
 * relative accuracy {@link #ALPHA}: every quantile returned is within {@code ALPHA * |q|} of a
 * value whose rank is exactly the requested one, so the rank error is zero and the value error
 * is at most 0.1%. Memory is one counter per non-empty log bucket: about
 * {@code ln(max/min) / ln((1+ALPHA)/(1-ALPHA))}, e.g. ~10,400 for values spanning 1e-4..1e5.
 * Counts add, so merge order does not matter and the switch to buckets happens iff the union
 * has more than EXACT_LIMIT distinct values.
 */
public final class QuantileSketch {
  public static final int EXACT_LIMIT = 4096;
  public static final double ALPHA = 0.001;
  private static final double GAMMA = (1 + ALPHA) / (1 - ALPHA);
  private static final double LOG_GAMMA = Math.log(GAMMA);

  private TreeMap<Double, Long> exact = new TreeMap<>();
  private Map<Integer, Long> pos;
  private Map<Integer, Long> neg;
  private long zeros;
  private long count;

  public void add(double v) {
    count++;
    if (exact != null) {
      exact.merge(v == 0 ? 0.0 : v, 1L, Long::sum);
      if (exact.size() > EXACT_LIMIT) {
        toBuckets();
      }
    } else {
      addBucket(v, 1);
    }
  }

  public void merge(QuantileSketch o) {
    count += o.count;
    if (o.exact != null) {
      if (exact != null) {
        o.exact.forEach((k, c) -> exact.merge(k, c, Long::sum));
        if (exact.size() > EXACT_LIMIT) {
          toBuckets();
        }
      } else {
        o.exact.forEach((k, c) -> addBucket(k, c));
      }
      return;
    }
    if (exact != null) {
      toBuckets();
    }
    zeros += o.zeros;
    o.pos.forEach((k, c) -> pos.merge(k, c, Long::sum));
    o.neg.forEach((k, c) -> neg.merge(k, c, Long::sum));
  }

  public boolean isExact() {
    return exact != null;
  }

  public long count() {
    return count;
  }

  /** The value at rank {@code floor(q * (count - 1))} (0-based), within ALPHA relative error once bucketed. */
  public double quantile(double q) {
    if (count == 0) {
      throw new IllegalStateException("quantile expected a non-empty sketch, got no values");
    }
    long rank = (long) Math.floor(q * (count - 1));
    long seen = 0;
    for (var e : sorted().entrySet()) {
      seen += e.getValue();
      if (seen > rank) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("BUG: rank " + rank + " beyond count " + count);
  }

  /** The most frequent value (ties: the smallest); a bucket representative once bucketed. */
  public double mode() {
    double best = Double.NaN;
    long bestCount = -1;
    for (var e : sorted().entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }

  private TreeMap<Double, Long> sorted() {
    if (exact != null) {
      return exact;
    }
    var out = new TreeMap<Double, Long>();
    neg.forEach((k, c) -> out.merge(-represent(k), c, Long::sum));
    if (zeros > 0) {
      out.merge(0.0, zeros, Long::sum);
    }
    pos.forEach((k, c) -> out.merge(represent(k), c, Long::sum));
    return out;
  }

  private void toBuckets() {
    pos = new HashMap<>();
    neg = new HashMap<>();
    TreeMap<Double, Long> e = exact;
    exact = null;
    e.forEach((k, c) -> addBucket(k, c));
  }

  private void addBucket(double v, long c) {
    if (v == 0) {
      zeros += c;
    } else if (v > 0) {
      pos.merge(index(v), c, Long::sum);
    } else {
      neg.merge(index(-v), c, Long::sum);
    }
  }

  private static int index(double v) {
    return (int) Math.ceil(Math.log(v) / LOG_GAMMA);
  }

  private static double represent(int index) {
    return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
  }

  ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("count", count);
    if (exact != null) {
      ObjectNode e = n.putObject("exact");
      exact.forEach((k, c) -> e.put(Double.toString(k), c));
    } else {
      n.put("zeros", zeros);
      ObjectNode p = n.putObject("pos");
      new TreeMap<>(pos).forEach((k, c) -> p.put(Integer.toString(k), c));
      ObjectNode m = n.putObject("neg");
      new TreeMap<>(neg).forEach((k, c) -> m.put(Integer.toString(k), c));
    }
    return n;
  }

  static QuantileSketch fromJson(com.fasterxml.jackson.databind.JsonNode n) {
    var s = new QuantileSketch();
    s.count = n.get("count").asLong();
    if (n.has("exact")) {
      n.get("exact").fields().forEachRemaining(e -> s.exact.put(Double.parseDouble(e.getKey()), e.getValue().asLong()));
    } else {
      s.exact = null;
      s.pos = new HashMap<>();
      s.neg = new HashMap<>();
      s.zeros = n.get("zeros").asLong();
      n.get("pos").fields().forEachRemaining(e -> s.pos.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
      n.get("neg").fields().forEachRemaining(e -> s.neg.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    }
    return s;
  }
}
