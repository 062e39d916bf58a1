package org.millrace.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters in the Prometheus text format (version 0.0.4): requests by model, API
 * and HTTP status; request latency as a histogram; predicted rows; model loads and the versions
 * served. Thread-safe; label values are escaped.
 */
public final class ServingMetrics {
  /** Latency bucket bounds in seconds. */
  static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Histogram cells of one (model, api): a count per bucket (not cumulative), the sum and the count. */
  private static final class Histogram {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    synchronized void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          buckets[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(seconds);
    }
  }

  private final Map<List<String>, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<List<String>, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> rows = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> loads = new ConcurrentHashMap<>();
  private volatile Map<String, List<Integer>> served = Map.of();
  /** The batchers of the served versions, by (model, version). */
  private volatile Map<List<String>, Batcher> batchers = Map.of();

  /** One finished request; {@code model} is "" when the path named none. */
  public void request(String model, String api, int status, double seconds) {
    requests.computeIfAbsent(List.of(model, api, Integer.toString(status)), k -> new LongAdder()).increment();
    latency.computeIfAbsent(List.of(model, api), k -> new Histogram()).observe(seconds);
  }

  public void predicted(String model, int version, int count) {
    rows.computeIfAbsent(List.of(model, Integer.toString(version)), k -> new LongAdder()).add(count);
  }

  public void loaded(String model, boolean ok) {
    loads.computeIfAbsent(List.of(model, ok ? "ok" : "failed"), k -> new LongAdder()).increment();
  }

  void setServed(Map<String, ModelRepository.ModelView> views) {
    var m = new TreeMap<String, List<Integer>>();
    views.forEach((name, v) -> m.put(name, List.copyOf(v.available().keySet())));
    served = m;
    var b = new java.util.HashMap<List<String>, Batcher>();
    views.forEach((name, v) -> v.available().forEach((version, servable) ->
        b.put(List.of(name, Integer.toString(version)), servable.inference())));
    batchers = b;
  }

  /** The exposition text. */
  public String render() {
    var out = new StringBuilder();
    counter(out, "millrace_serving_requests_total", "Requests by model, API and HTTP status.",
        List.of("model", "api", "code"), requests);
    out.append("# HELP millrace_serving_request_duration_seconds Request latency by model and API.\n")
        .append("# TYPE millrace_serving_request_duration_seconds histogram\n");
    byKey(latency).forEach((key, h) -> {
      synchronized (h) {
        String labels = labels(List.of("model", "api"), key);
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
          cumulative += h.buckets[i].sum();
          out.append("millrace_serving_request_duration_seconds_bucket{").append(labels).append(",le=\"")
              .append(number(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
        }
        out.append("millrace_serving_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ")
            .append(h.count.sum()).append('\n');
        out.append("millrace_serving_request_duration_seconds_sum{").append(labels).append("} ")
            .append(number(h.sum.sum())).append('\n');
        out.append("millrace_serving_request_duration_seconds_count{").append(labels).append("} ")
            .append(h.count.sum()).append('\n');
      }
    });
    counter(out, "millrace_serving_predicted_rows_total", "Rows predicted by model and version.",
        List.of("model", "version"), rows);
    counter(out, "millrace_serving_model_loads_total", "Model version loads by result.", List.of("model", "result"),
        loads);
    Map<List<String>, Batcher> now = byKey(batchers);
    versionCounter(out, "millrace_serving_forward_passes_total", "Forward passes run by model and version (since"
        + " it was loaded).", now, Batcher::passes);
    versionCounter(out, "millrace_serving_batched_requests_total", "Predict requests that shared their forward pass"
        + " with others, by model and version (since it was loaded).", now, Batcher::batchedRequests);
    out.append("# HELP millrace_serving_model_version_available 1 for each model version being served.\n")
        .append("# TYPE millrace_serving_model_version_available gauge\n");
    served.forEach((name, versions) -> versions.forEach(v -> out.append("millrace_serving_model_version_available{")
        .append(labels(List.of("model", "version"), List.of(name, Integer.toString(v)))).append("} 1\n")));
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, List<String> names,
      Map<List<String>, LongAdder> cells) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    byKey(cells).forEach((key, v) -> out.append(name).append('{').append(labels(names, key))
        .append("} ").append(v.sum()).append('\n'));
  }

  /** A counter per served version, read from its batcher. */
  private static void versionCounter(StringBuilder out, String name, String help, Map<List<String>, Batcher> cells,
      java.util.function.ToLongFunction<Batcher> value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    cells.forEach((key, b) -> out.append(name).append('{').append(labels(List.of("model", "version"), key))
        .append("} ").append(value.applyAsLong(b)).append('\n'));
  }

  /** Cells ordered by their label values (a stable order for the text). */
  private static <V> Map<List<String>, V> byKey(Map<List<String>, V> cells) {
    var ordered = new TreeMap<List<String>, V>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
    ordered.putAll(cells);
    return ordered;
  }

  private static String labels(List<String> names, List<String> values) {
    var parts = new ArrayList<String>();
    for (int i = 0; i < names.size(); i++) {
      String v = values.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
      parts.add(names.get(i) + "=\"" + v + "\"");
    }
    return String.join(",", parts);
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return Double.toString(v);
  }
}
