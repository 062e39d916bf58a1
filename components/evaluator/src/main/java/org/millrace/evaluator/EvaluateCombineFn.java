package org.millrace.evaluator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.transform.graph.DenseBatch;
import org.millrace.trainer.model.ModelRuntime;

/**
 * Evaluates the candidate (and baseline) model on raw batches as a Beam {@code CombineFn}: each
 * worker loads the models once, predicts its batches and keeps per-slice metric accumulators,
 * which merge into the result.
 */
public final class EvaluateCombineFn extends Combine.CombineFn<Batch, EvaluateCombineFn.Acc, String> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String candidate;
  private final String baseline;
  private final List<List<String>> slices;
  private transient ModelRuntime candidateRuntime;
  private transient ModelRuntime baselineRuntime;

  public EvaluateCombineFn(Path candidate, Path baseline, List<List<String>> slices) {
    this.candidate = candidate.toString();
    this.baseline = baseline == null ? null : baseline.toString();
    this.slices = slices;
  }

  /** Per-slice accumulators of the candidate and of the baseline. */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
      isGetterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Acc {
    TreeMap<String, MetricsAccumulator> candidate = new TreeMap<>();
    TreeMap<String, MetricsAccumulator> baseline = new TreeMap<>();
  }

  @Override
  public Acc createAccumulator() {
    return new Acc();
  }

  @Override
  public Acc addInput(Acc acc, Batch batch) {
    try {
      if (candidateRuntime == null) {
        candidateRuntime = ModelRuntime.load(Path.of(candidate));
        baselineRuntime = baseline == null ? null : ModelRuntime.load(Path.of(baseline));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot load model: " + e.getMessage(), e);
    }
    add(acc.candidate, candidateRuntime, batch);
    if (baselineRuntime != null) {
      add(acc.baseline, baselineRuntime, batch);
    }
    return acc;
  }

  private void add(TreeMap<String, MetricsAccumulator> into, ModelRuntime rt, Batch batch) {
    DenseBatch d = rt.transform(batch);
    if (d.labels() == null) {
      throw new IllegalArgumentException("evaluation examples expected the label column '"
          + rt.graph().labelFeature().orElse("?") + "', got columns " + batch.schema().names());
    }
    float[] out = rt.predictDense(d.features(), d.rows());
    int w = rt.outputWidth();
    int classes = rt.task().equals("classification") ? w : 0;
    for (int r = 0; r < d.rows(); r++) {
      for (List<String> spec : slices) {
        String key = Slices.key(spec, batch, r);
        into.computeIfAbsent(key, k -> new MetricsAccumulator(classes)).add(out, r * w, d.labels()[r]);
      }
    }
  }

  @Override
  public Acc mergeAccumulators(Iterable<Acc> accs) {
    var out = new Acc();
    for (Acc a : accs) {
      mergeInto(out.candidate, a.candidate);
      mergeInto(out.baseline, a.baseline);
    }
    return out;
  }

  private static void mergeInto(TreeMap<String, MetricsAccumulator> into, TreeMap<String, MetricsAccumulator> from) {
    from.forEach((k, v) -> {
      var cur = into.get(k);
      if (cur == null) {
        var copy = new MetricsAccumulator(v.classes);
        copy.merge(v);
        into.put(k, copy);
      } else {
        cur.merge(v);
      }
    });
  }

  @Override
  public String extractOutput(Acc acc) {
    try {
      return JSON.writeValueAsString(acc);
    } catch (IOException e) {
      throw new IllegalStateException("BUG: accumulator not serializable", e);
    }
  }

  static Acc parse(String json) throws IOException {
    return JSON.readValue(json, Acc.class);
  }

  @Override
  public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<Batch> inputCoder) {
    return new AccCoder();
  }

  /** JSON bytes, length-prefixed. */
  static final class AccCoder extends CustomCoder<Acc> {
    @Override
    public void encode(Acc value, OutputStream out) throws IOException {
      byte[] b = JSON.writeValueAsBytes(value);
      new DataOutputStream(out).writeInt(b.length);
      out.write(b);
    }

    @Override
    public Acc decode(InputStream in) throws IOException {
      var d = new DataInputStream(in);
      byte[] b = new byte[d.readInt()];
      d.readFully(b);
      return JSON.readValue(b, Acc.class);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvaluateCombineFn f && f.candidate.equals(candidate) && Objects.equals(f.baseline, baseline);
  }

  @Override
  public int hashCode() {
    return candidate.hashCode();
  }
}
