package org.millrace.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The server's metrics through the Prometheus Java client, one registry per server: requests by
 * model, API and HTTP status; request latency as a histogram; rows per predict request and per
 * forward pass (the batch sizes) as histograms; predicted rows; model loads and the versions
 * served; forward passes and batched requests per served version; and the client's JVM, GC and
 * process metrics ({@code jvm_*}, {@code process_*}). {@link #render()} writes them in the
 * Prometheus text format (version 0.0.4). Thread-safe.
 */
public final class ServingMetrics {
  /** Latency bucket bounds in seconds. */
  static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  /** Batch size bucket bounds in rows. */
  static final double[] ROW_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final Histogram requestRows;
  private final Histogram passRows;
  private final Counter rows;
  private final Counter loads;
  private volatile Map<String, List<Integer>> served = Map.of();
  /** The batchers of the served versions, by (model, version). */
  private volatile Map<List<String>, Batcher> batchers = Map.of();

  public ServingMetrics() {
    requests = Counter.builder().name("millrace_serving_requests_total")
        .help("Requests by model, API and HTTP status.").labelNames("model", "api", "code").register(registry);
    latency = Histogram.builder().name("millrace_serving_request_duration_seconds").unit(Unit.SECONDS)
        .help("Request latency by model and API.").labelNames("model", "api")
        .classicOnly().classicUpperBounds(BUCKETS).register(registry);
    requestRows = Histogram.builder().name("millrace_serving_request_rows")
        .help("Rows (instances) per predict request, by model.").labelNames("model")
        .classicOnly().classicUpperBounds(ROW_BUCKETS).register(registry);
    passRows = Histogram.builder().name("millrace_serving_batch_rows")
        .help("Rows per forward pass (the batch size after request batching), by model and version.")
        .labelNames("model", "version").classicOnly().classicUpperBounds(ROW_BUCKETS).register(registry);
    rows = Counter.builder().name("millrace_serving_predicted_rows_total")
        .help("Rows predicted by model and version.").labelNames("model", "version").register(registry);
    loads = Counter.builder().name("millrace_serving_model_loads_total")
        .help("Model version loads by result.").labelNames("model", "result").register(registry);
    versionCounter("millrace_serving_forward_passes_total",
        "Forward passes run by model and version (since it was loaded).", Batcher::passes);
    versionCounter("millrace_serving_batched_requests_total", "Predict requests that shared their forward pass"
        + " with others, by model and version (since it was loaded).", Batcher::batchedRequests);
    GaugeWithCallback.builder().name("millrace_serving_model_version_available")
        .help("1 for each model version being served.").labelNames("model", "version")
        .callback(cb -> served.forEach((name, versions) -> versions.forEach(v -> cb.call(1, name, Integer.toString(v)))))
        .register(registry);
    JvmMetrics.builder().register(registry);
  }

  /** One finished request; {@code model} is "" when the path named none. */
  public void request(String model, String api, int status, double seconds) {
    requests.labelValues(model, api, Integer.toString(status)).inc();
    latency.labelValues(model, api).observe(seconds);
  }

  /** One answered predict request of {@code count} rows. */
  public void predicted(String model, int version, int count) {
    rows.labelValues(model, Integer.toString(version)).inc(count);
    requestRows.labelValues(model).observe(count);
  }

  public void loaded(String model, boolean ok) {
    loads.labelValues(model, ok ? "ok" : "failed").inc();
  }

  void setServed(Map<String, ModelRepository.ModelView> views) {
    var m = new TreeMap<String, List<Integer>>();
    views.forEach((name, v) -> m.put(name, List.copyOf(v.available().keySet())));
    served = m;
    var b = new java.util.HashMap<List<String>, Batcher>();
    views.forEach((name, v) -> v.available().forEach((version, servable) -> {
      Batcher batcher = servable.inference();
      String label = Integer.toString(version);
      batcher.observePasses(passRowCount -> passRows.labelValues(name, label).observe(passRowCount));
      b.put(List.of(name, label), batcher);
    }));
    batchers = b;
  }

  /** The registry (the server's metrics and the JVM's), for another exposition. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The exposition text. */
  public String render() {
    var out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A counter per served version, read from its batcher when scraped. */
  private void versionCounter(String name, String help, ToLongFunction<Batcher> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("model", "version")
        .callback(cb -> batchers.forEach((key, b) -> cb.call(value.applyAsLong(b), key.get(0), key.get(1))))
        .register(registry);
  }
}
