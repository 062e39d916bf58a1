package org.millrace.transform.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * {@code CombineFn} over transformed batches; partials merge with Chan's formula.
 */
final class DenseStats extends Combine.CombineFn<Batch, DenseStats.Acc, String> {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<String> names;

  DenseStats(List<String> names) {
    this.names = new java.util.ArrayList<>(names);
  }

  /** Mutable per-feature moments. */
  static final class Acc {
    long n;
    double[] mean;
    double[] m2;
    double[] min;
    double[] max;

    Acc(int d) {
      mean = new double[d];
      m2 = new double[d];
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
    for (int r = 0; r < b.rowCount(); r++) {
      a.n++;
      for (int j = 0; j < d; j++) {
        double val = x[r * d + j];
        double delta = val - a.mean[j];
        a.mean[j] += delta / a.n;
        a.m2[j] += delta * (val - a.mean[j]);
        a.min[j] = Math.min(a.min[j], val);
        a.max[j] = Math.max(a.max[j], val);
      }
    }
    return a;
  }

  @Override
  public Acc mergeAccumulators(Iterable<Acc> accs) {
    Acc out = createAccumulator();
    for (Acc o : accs) {
      if (o.n == 0) {
        continue;
      }
      long n = out.n + o.n;
      for (int j = 0; j < names.size(); j++) {
        double delta = o.mean[j] - out.mean[j];
        out.mean[j] += delta * o.n / n;
        out.m2[j] += o.m2[j] + delta * delta * ((double) out.n * o.n / n);
        out.min[j] = Math.min(out.min[j], o.min[j]);
        out.max[j] = Math.max(out.max[j], o.max[j]);
      }
      out.n = n;
    }
    return out;
  }

  @Override
  public String extractOutput(Acc a) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("rows", a.n);
    ArrayNode f = root.putArray("features");
    for (int j = 0; j < names.size(); j++) {
      ObjectNode o = f.addObject().put("name", names.get(j));
      if (a.n > 0) {
        o.put("mean", a.mean[j]).put("std", Math.sqrt(a.m2[j] / a.n)).put("min", a.min[j]).put("max", a.max[j]);
      }
    }
    return root.toString();
  }

  @Override
  public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> input) throws CannotProvideCoderException {
    return new AccCoder(names.size());
  }

  /** Text coder for {@link Acc} (doubles in their exact decimal form). */
  static final class AccCoder extends CustomCoder<Acc> {
    private final int d;

    AccCoder(int d) {
      this.d = d;
    }

    @Override
    public void encode(Acc a, OutputStream out) throws IOException {
      var sb = new StringBuilder().append(a.n);
      for (double[] arr : new double[][] {a.mean, a.m2, a.min, a.max}) {
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
      for (double[] arr : new double[][] {a.mean, a.m2, a.min, a.max}) {
        for (int j = 0; j < d; j++) {
          arr[j] = Double.parseDouble(t[k++]);
        }
      }
      return a;
    }
  }
}
