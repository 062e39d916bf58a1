package org.millrace.transform.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;

/**
 * Post-transform statistics per output feature (count, mean, population std, min, max) as a
 * {@code CombineFn} over transformed batches. Sums of values and of their squares are kept exactly
 * (as {@link BigDecimal}s: a float and its square are exact doubles), so the result does not depend
 * on how a runner splits the rows into bundles nor on the order it merges partials in: the JSON is
 * byte-stable.
 */
final class DenseStats extends Combine.CombineFn<Batch, DenseStats.Acc, String> {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<String> names;

  DenseStats(List<String> names) {
    this.names = new java.util.ArrayList<>(names);
  }

  /** Mutable per-feature exact sums. */
  static final class Acc {
    long n;
    BigDecimal[] sum;
    BigDecimal[] sumSq;
    double[] min;
    double[] max;

    Acc(int d) {
      sum = new BigDecimal[d];
      sumSq = new BigDecimal[d];
      java.util.Arrays.fill(sum, BigDecimal.ZERO);
      java.util.Arrays.fill(sumSq, BigDecimal.ZERO);
      min = new double[d];
      max = new double[d];
      java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }
  }

  @Override
  public Acc createAccumulator() {
    return new Acc(names.size());
  }

  @Override
  public Acc addInput(Acc a, Batch b) {
    var v = (Column.FloatVectors) b.column("features");
    int d = names.size();
    float[] x = v.values();
    int rows = b.rowCount();
    a.n += rows;
    for (int j = 0; j < d; j++) {
      BigDecimal s = a.sum[j];
      BigDecimal q = s == null ? null : a.sumSq[j];
      double lo = a.min[j];
      double hi = a.max[j];
      for (int r = 0; r < rows; r++) {
        double val = x[r * d + j];
        if (s != null && Double.isFinite(val)) {
          s = s.add(new BigDecimal(val));
          q = q.add(new BigDecimal(val * val)); // exact: a float's square fits a double's mantissa
        } else {
          s = null;
        }
        lo = Math.min(lo, val);
        hi = Math.max(hi, val);
      }
      a.sum[j] = s;
      a.sumSq[j] = s == null ? null : q;
      a.min[j] = lo;
      a.max[j] = hi;
    }
    return a;
  }

  @Override
  public Acc mergeAccumulators(Iterable<Acc> accs) {
    Acc out = createAccumulator();
    for (Acc o : accs) {
      out.n += o.n;
      for (int j = 0; j < names.size(); j++) {
        out.sum[j] = out.sum[j] == null || o.sum[j] == null ? null : out.sum[j].add(o.sum[j]);
        out.sumSq[j] = out.sum[j] == null ? null : out.sumSq[j].add(o.sumSq[j]);
        out.min[j] = Math.min(out.min[j], o.min[j]);
        out.max[j] = Math.max(out.max[j], o.max[j]);
      }
    }
    return out;
  }

  @Override
  public String extractOutput(Acc a) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("rows", a.n);
    ArrayNode f = root.putArray("features");
    BigDecimal n = BigDecimal.valueOf(a.n);
    for (int j = 0; j < names.size(); j++) {
      ObjectNode o = f.addObject().put("name", names.get(j));
      if (a.n > 0) {
        double mean;
        double std;
        if (a.sum[j] == null) {
          mean = Double.NaN; // a NaN or an infinity among the values
          std = Double.NaN;
        } else {
          BigDecimal m = a.sum[j].divide(n, MathContext.DECIMAL128);
          BigDecimal var = a.sumSq[j].divide(n, MathContext.DECIMAL128).subtract(m.multiply(m, MathContext.DECIMAL128),
              MathContext.DECIMAL128);
          mean = m.doubleValue();
          std = Math.sqrt(Math.max(0, var.doubleValue()));
        }
        o.put("mean", mean).put("std", std).put("min", a.min[j]).put("max", a.max[j]);
      }
    }
    return root.toString();
  }

  @Override
  public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> input) throws CannotProvideCoderException {
    return new AccCoder(names.size());
  }

  /** Text coder for {@link Acc} (exact decimal sums, "-" for a sum that met a NaN or an infinity). */
  static final class AccCoder extends CustomCoder<Acc> {
    private final int d;

    AccCoder(int d) {
      this.d = d;
    }

    @Override
    public void encode(Acc a, OutputStream out) throws IOException {
      var sb = new StringBuilder().append(a.n);
      for (BigDecimal[] arr : new BigDecimal[][] {a.sum, a.sumSq}) {
        for (BigDecimal x : arr) {
          sb.append(' ').append(x == null ? "-" : x.toString());
        }
      }
      for (double[] arr : new double[][] {a.min, a.max}) {
        for (double x : arr) {
          sb.append(' ').append(x);
        }
      }
      StringUtf8Coder.of().encode(sb.toString(), out);
    }

    @Override
    public Acc decode(InputStream in) throws IOException {
      String[] t = StringUtf8Coder.of().decode(in).split(" ");
      Acc a = new Acc(d);
      a.n = Long.parseLong(t[0]);
      int k = 1;
      for (BigDecimal[] arr : new BigDecimal[][] {a.sum, a.sumSq}) {
        for (int j = 0; j < d; j++) {
          String v = t[k++];
          arr[j] = v.equals("-") ? null : new BigDecimal(v);
        }
      }
      for (double[] arr : new double[][] {a.min, a.max}) {
        for (int j = 0; j < d; j++) {
          arr[j] = Double.parseDouble(t[k++]);
        }
      }
      return a;
    }
  }
}
