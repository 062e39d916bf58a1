package org.millrace.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.millrace.serving.ModelRepository.ModelView;
import org.millrace.serving.ModelRepository.Servable;
import org.millrace.serving.ModelRepository.VersionPolicy;
import org.millrace.serving.ModelRepository.VersionStatus;
import org.millrace.serving.Predict.RequestException;
import org.millrace.serving.http.BearerToken;
import org.millrace.serving.http.HttpService;
import org.millrace.serving.http.Responses;
import org.millrace.transform.graph.InputFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code millrace serve}: TF Serving's REST API over a model registry.
 *
 * <ul>
 *   <li>{@code GET /v1/models/{name}[/versions/{v}]}: version status;
 *   <li>{@code GET /v1/models/{name}[/versions/{v}]/metadata}: signature (raw input features and
 *       outputs) and lineage (the model's provenance and its registry entry);
 *   <li>{@code POST /v1/models/{name}[/versions/{v}]:predict}: {@link Predict};
 *   <li>{@code GET /healthz} (alive), {@code GET /readyz} (some model is served), {@code GET /metrics}
 *       (Prometheus).
 * </ul>
 *
 * Errors are {@code {"error": "..."}} with 400 (bad request), 404 (no such model, version or
 * path), 405 (method), 413 (body or row count over the limits) or 503 (model known but no version
 * loaded). The registry is polled and new versions hot-loaded ({@link ModelRepository}).
 *
 * <p>Requests are served in {@link Options#threads} slots; {@code /healthz} and {@code /readyz}
 * answer outside them, so they answer while slow clients or long predictions hold every slot
 * ({@link HttpService}); slow clients are cut off after the {@linkplain
 * org.millrace.serving.http.ServerLimits server's time limits}.
 *
 * <p>Predictions for one model version run concurrently on copies of its network, and concurrent
 * requests are batched into shared forward passes ({@link InferenceOptions}, {@link Batcher}).
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern MODEL_PATH = Pattern.compile(
      "/v1/models/([^/:]+)(?:/versions/([^/:]+))?(/metadata|:[A-Za-z]+)?");

  /** How the server runs. */
  public record Options(String host, int port, Duration pollInterval, VersionPolicy policy, long maxRequestBytes,
      int maxRows, int threads) {
    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port expected 0..65535, got " + port);
      }
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("poll interval expected > 0, got " + pollInterval);
      }
      if (maxRequestBytes < 1 || maxRows < 1 || threads < 1) {
        throw new IllegalArgumentException("max request bytes, max rows and threads expected >= 1, got "
            + maxRequestBytes + ", " + maxRows + ", " + threads);
      }
    }

    /**
     * Port 8501 (TF Serving's REST port) on 127.0.0.1 (this machine only), polling every 5 s, latest versions,
     * 10 MB / 10,000 rows, 4 request slots per processor (at least 16: a slot waits while a slow
     * client sends its body or reads its answer).
     */
    public static Options defaults() {
      return new Options("127.0.0.1", 8501, Duration.ofSeconds(5), VersionPolicy.LATEST, 10L << 20, 10_000,
          Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));
    }

    public Options withPort(int p) {
      return new Options(host, p, pollInterval, policy, maxRequestBytes, maxRows, threads);
    }

    public Options withPollInterval(Duration d) {
      return new Options(host, port, d, policy, maxRequestBytes, maxRows, threads);
    }

    public Options withPolicy(VersionPolicy p) {
      return new Options(host, port, pollInterval, p, maxRequestBytes, maxRows, threads);
    }

    public Options withLimits(long bytes, int rows) {
      return new Options(host, port, pollInterval, policy, bytes, rows, threads);
    }

    public Options withHost(String h) {
      return new Options(h, port, pollInterval, policy, maxRequestBytes, maxRows, threads);
    }

    public Options withThreads(int t) {
      return new Options(host, port, pollInterval, policy, maxRequestBytes, maxRows, t);
    }
  }

  private final ModelRepository repository;
  private final ServingMetrics metrics;
  private final Options options;
  private final HttpService http;
  private final ScheduledExecutorService poller;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** The bearer token every request but {@code /healthz} and {@code /readyz} must present, or null. */
  private volatile BearerToken token;
  private volatile boolean closing;

  private ModelServer(ModelRepository repository, ServingMetrics metrics, Options options, HttpService http,
      ScheduledExecutorService poller) {
    this.repository = repository;
    this.metrics = metrics;
    this.options = options;
    this.http = http;
    this.poller = poller;
  }

  /**
   * Loads what the registry holds (the first poll runs before the port opens, so a started server
   * serves), then listens and polls every {@code options.pollInterval()}.
   */
  public static ModelServer start(Path registry, Options options) throws IOException {
    return start(registry, options, (BearerToken) null);
  }

  /**
   * As {@link #start(Path, Options)}; with a {@code bearerToken}, every request but
   * {@code /healthz} and {@code /readyz} must send {@code Authorization: Bearer TOKEN} (401 otherwise).
   */
  public static ModelServer start(Path registry, Options options, String bearerToken) throws IOException {
    return start(registry, options, bearerToken == null ? null : BearerToken.of(bearerToken));
  }

  /**
   * As {@link #start(Path, Options)}; with a {@code token}, every request but {@code /healthz}
   * and {@code /readyz} must send it (401 otherwise).
   */
  public static ModelServer start(Path registry, Options options, BearerToken token) throws IOException {
    return start(registry, options, token, InferenceOptions.defaults());
  }

  /**
   * As {@link #start(Path, Options, BearerToken)}; predictions are computed as {@code inference}
   * says (network copies, request batching, the engine).
   */
  public static ModelServer start(Path registry, Options options, BearerToken token, InferenceOptions inference)
      throws IOException {
    var metrics = new ServingMetrics();
    var repository = new ModelRepository(registry, options.policy(), metrics, inference);
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "millrace-serve-poll");
      t.setDaemon(true);
      return t;
    });
    // The port opens before the server object exists and its models are loaded: a request meanwhile is told
    // to retry.
    var started = new java.util.concurrent.atomic.AtomicReference<ModelServer>();
    HttpService http = HttpService.start("millrace-serve", options.host(), options.port(), options.threads(),
        Set.of("/healthz", "/readyz"), ex -> {
          ModelServer s = started.get();
          if (s != null) {
            s.handle(ex);
          } else {
            ex.getResponseHeaders().set("Retry-After", "1");
            error(ex, 503, "the server is starting");
            ex.close();
          }
        });
    // The models load once the port is this server's: a port in use ended the command after loading them all.
    try {
      repository.poll();
    } catch (RuntimeException | Error e) {
      http.close();
      poller.shutdownNow();
      throw e;
    }
    var server = new ModelServer(repository, metrics, options, http, poller);
    server.token = token;
    started.set(server);
    long every = options.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(() -> {
      try {
        repository.poll();
      } catch (Throwable e) {
        // Never let an error end the scheduled polling (an uncaught one would cancel it silently).
        LOG.warn("registry poll of {} failed: {}", registry, e.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    LOG.info("serving {} on http://{}:{} (models: {})", registry, options.host(), server.port(),
        repository.snapshot().keySet());
    return server;
  }

  /** The port listened on (the one chosen when the options asked for 0). */
  public int port() {
    return http.port();
  }

  public ModelRepository repository() {
    return repository;
  }

  /** Requests being served now (holding one of the {@link Options#threads} slots); health checks do not count. */
  int busyRequestSlots() {
    return http.busySlots();
  }

  /**
   * Stops polling, lets requests in flight finish (up to 5 s), then closes the port. (JDK 17's
   * {@code HttpServer.stop(delay)} waits the whole delay even when nothing is in flight, so the
   * server counts its requests itself.)
   */
  @Override
  public void close() {
    closing = true;
    poller.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    http.close();
  }

  private void handle(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try {
      if (closing) {
        ex.getResponseHeaders().set("Connection", "close");
        error(ex, 503, "the server is shutting down");
        ex.close();
        return;
      }
      serve(ex);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** A request's labels for its count in the metrics, set as it is routed. */
  private static final class Labels {
    String model = "";
    String api = "other";
  }

  /** The exchange attribute holding what counts the request as its answer is sent (see {@link #counted}). */
  private static final String COUNT = "millrace.serving.count";

  private void serve(HttpExchange ex) throws IOException {
    long t0 = System.nanoTime();
    var labels = new Labels();
    // Only served model names become label values: requests for made-up names must not grow the metrics.
    ex.setAttribute(COUNT, (java.util.function.IntConsumer) status -> metrics.request(
        repository.snapshot().containsKey(labels.model) ? labels.model : "", labels.api, status,
        (System.nanoTime() - t0) / 1e9));
    try {
      String path = ex.getRequestURI().getRawPath();
      Matcher m = MODEL_PATH.matcher(path);
      if (!path.equals("/healthz") && !path.equals("/readyz")) {
        authorize(ex);
      }
      if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics")) {
        labels.api = path.substring(1);
        requireMethod(ex, "GET");
        if (path.equals("/metrics")) {
          text(ex, 200, metrics.render());
        } else {
          health(ex, path.equals("/readyz"));
        }
      } else if (m.matches()) {
        String model = java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        labels.model = model;
        Integer version = m.group(2) == null ? null : version(m.group(2));
        String suffix = m.group(3);
        if (suffix == null) {
          labels.api = "status";
          requireMethod(ex, "GET");
          json(ex, 200, status(model, version));
        } else if (suffix.equals("/metadata")) {
          labels.api = "metadata";
          requireMethod(ex, "GET");
          json(ex, 200, metadata(servable(model, version), version, localDetails(ex)));
        } else if (suffix.equals(":predict")) {
          labels.api = "predict";
          requireMethod(ex, "POST");
          Servable s = servable(model, version);
          ObjectNode answer;
          Predict.Parsed parsed;
          // Announced before its body is read: a forward pass gathering requests waits a little for it.
          try (Batcher.Arrival arrival = s.inference().expect()) {
            JsonNode body = readBody(ex);
            parsed = Predict.parse(body, s.runtime().graph(), options.maxRows());
            answer = Predict.run(s, parsed, arrival);
          }
          metrics.predicted(s.name(), s.version(), parsed.rows().size());
          ex.getResponseHeaders().set("Millrace-Model-Version", Integer.toString(s.version()));
          json(ex, 200, answer);
        } else {
          throw new RequestException(404, "model API expected :predict or /metadata, got '" + suffix
              + "' (:classify and :regress are TF Serving APIs for TensorFlow Example protos; use :predict)");
        }
      } else {
        throw new RequestException(404, "path expected /v1/models/{name}[/versions/{v}][/metadata|:predict],"
            + " /healthz, /readyz or /metrics, got " + path);
      }
    } catch (RequestException e) {
      error(ex, e.status, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      error(ex, 500, "internal error: " + e);
    } finally {
      ex.close();
    }
  }

  /** Refuses (401) a request without the bearer token, when the server has one. */
  private void authorize(HttpExchange ex) {
    String refusal = token == null ? null : token.refusal(ex);
    if (refusal != null) {
      throw new RequestException(401, refusal);
    }
  }

  /** Whether the request asks for this machine's details (paths, JDK, OS): {@code ?details=local}. */
  private static boolean localDetails(HttpExchange ex) {
    String q = ex.getRequestURI().getRawQuery();
    return q != null && java.util.Arrays.asList(q.split("&")).contains("details=local");
  }

  private static Integer version(String text) {
    try {
      int v = Integer.parseInt(text);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new RequestException(400, "version expected a whole number >= 1, got '" + text + "'");
  }

  private static void requireMethod(HttpExchange ex, String method) {
    if (!ex.getRequestMethod().equalsIgnoreCase(method)) {
      ex.getResponseHeaders().set("Allow", method);
      throw new RequestException(405, ex.getRequestURI().getRawPath() + " expected " + method + ", got "
          + ex.getRequestMethod());
    }
  }

  private ModelView view(String model) {
    ModelView view = repository.snapshot().get(model);
    if (view == null) {
      // Neither the registry's path nor the other models' names: a caller learns only about the name it asked.
      throw new RequestException(404, "model '" + model + "' not found");
    }
    return view;
  }

  private Servable servable(String model, Integer version) {
    ModelView view = view(model);
    if (view.available().isEmpty()) {
      throw new RequestException(503, "model '" + model + "' has no version loaded: " + view.statuses().values());
    }
    // From this one view, not a second look at the snapshot (a poll may swap it in between).
    Servable s = version == null ? view.available().lastEntry().getValue() : view.available().get(version);
    if (s == null) {
      VersionStatus st = view.statuses().get(version);
      throw new RequestException(404, "model '" + model + "' version " + version + " is not served (served: "
          + view.available().keySet() + (st == null ? "" : "; " + st.error()) + ")");
    }
    return s;
  }

  private ObjectNode status(String model, Integer version) {
    ModelView view = view(model);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("model_version_status");
    if (version != null && !view.statuses().containsKey(version)) {
      throw new RequestException(404, "model '" + model + "' has no version " + version + " (versions: "
          + view.statuses().keySet() + ")");
    }
    for (VersionStatus s : view.statuses().descendingMap().values()) {
      if (version != null && s.version() != version) {
        continue;
      }
      ObjectNode o = list.addObject();
      o.put("version", Integer.toString(s.version()));
      o.put("state", s.state());
      ObjectNode st = o.putObject("status");
      st.put("error_code", s.state().equals("AVAILABLE") ? "OK" : s.error().startsWith("not served") ? "OK"
          : "UNKNOWN");
      st.put("error_message", s.error());
    }
    return body;
  }

  private static ObjectNode metadata(Servable s, Integer requested, boolean local) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode spec = body.putObject("model_spec");
    spec.put("name", s.name());
    spec.put("signature_name", "");
    spec.put("version", Integer.toString(s.version()));
    ObjectNode sig = body.putObject("metadata").putObject("signature_def").putObject("signature_def")
        .putObject("serving_default");
    ObjectNode inputs = sig.putObject("inputs");
    for (InputFeature f : s.runtime().graph().inputs()) {
      ObjectNode i = inputs.putObject(f.name());
      i.put("dtype", switch (f.type()) {
        case INT -> "DT_INT64";
        case FLOAT -> "DT_DOUBLE";
        case BOOL -> "DT_BOOL";
        default -> "DT_STRING";
      });
      i.put("name", f.name());
      i.put("millrace_type", f.type().name().toLowerCase(java.util.Locale.ROOT));
    }
    ObjectNode outputs = sig.putObject("outputs");
    if (s.runtime().task() == org.millrace.api.model.Task.CLASSIFICATION) {
      outputs.putObject("probabilities").put("dtype", "DT_FLOAT").put("name", "probabilities");
      outputs.putObject("class_id").put("dtype", "DT_INT64").put("name", "class_id");
      outputs.putObject("class").put("dtype", "DT_STRING").put("name", "class");
    } else {
      outputs.putObject("predictions").put("dtype", "DT_FLOAT").put("name", "predictions");
    }
    sig.put("method_name", "tensorflow/serving/predict");
    ObjectNode millrace = body.putObject("millrace");
    millrace.put("task", s.runtime().task().spelling());
    ArrayNode vocab = millrace.putArray("label_vocabulary");
    s.runtime().labelVocabulary().forEach(vocab::add);
    if (local) {
      millrace.put("model_dir", s.dir().toString());
    }
    millrace.put("loaded_at", s.loadedAt().toString());
    JsonNode entry = s.registryEntry();
    if (!local && entry instanceof ObjectNode o) {
      // Where the pushed files came from (a path on the pushing machine) only when asked for.
      entry = o.deepCopy();
      ((ObjectNode) entry).remove("model_uri");
      // "blessed by evaluator (/home/.../blessing/23-...)": the blessing's path too.
      if (entry.get("reason") != null && entry.get("reason").isTextual()) {
        ((ObjectNode) entry).put("reason", entry.get("reason").asText()
            .replaceAll(" \\((/|[A-Za-z][A-Za-z0-9+.-]*:/)[^)]*\\)", ""));
      }
    }
    millrace.set("registry_entry", entry);
    JsonNode provenance = s.modelJson().get("provenance");
    if (!local && provenance instanceof ObjectNode o) {
      // This machine's JDK and OS only when asked for (?details=local).
      provenance = o.deepCopy();
      ((ObjectNode) provenance).remove(List.of("jdk", "os"));
    }
    millrace.set("provenance", provenance);
    return body;
  }

  private void health(HttpExchange ex, boolean readiness) throws IOException {
    Map<String, ModelView> models = repository.snapshot();
    ObjectNode body = JSON.createObjectNode();
    ObjectNode served = body.putObject("models");
    boolean any = false;
    for (ModelView v : models.values()) {
      ArrayNode versions = served.putArray(v.name());
      v.available().keySet().forEach(versions::add);
      any |= !v.available().isEmpty();
    }
    boolean ok = !readiness || any;
    body.put("status", ok ? "ok" : "no model version is loaded");
    json(ex, ok ? 200 : 503, body);
  }

  /** The request body as JSON, refusing bodies over the size limit before reading them whole. */
  private JsonNode readBody(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    long limit = options.maxRequestBytes();
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          throw new RequestException(413, "request body expected at most " + limit + " bytes, got " + declared.trim());
        }
      } catch (NumberFormatException e) {
        throw new RequestException(400, "Content-Length expected a number, got '" + declared + "'");
      }
    }
    var buffer = new ByteArrayOutputStream();
    try (InputStream in = ex.getRequestBody()) {
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (buffer.size() + n > limit) {
          throw new RequestException(413, "request body expected at most " + limit + " bytes, got more");
        }
        buffer.write(chunk, 0, n);
      }
    }
    if (buffer.size() == 0) {
      throw new RequestException(400, "predict request expected a JSON body, got an empty one");
    }
    return RequestJson.read(buffer.toByteArray());
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    json(ex, status, body);
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    counted(ex, status);
    Responses.send(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void text(HttpExchange ex, int status, String body) throws IOException {
    counted(ex, status);
    Responses.send(ex, status, "text/plain; version=0.0.4; charset=utf-8", body);
  }

  /**
   * Counts the request (when {@link #serve} set its count) just before its answer is sent: a client
   * that has its answer finds its request in /metrics (counted after the answer went out, a client
   * reading /metrics at once could be a moment ahead of the count).
   */
  private static void counted(HttpExchange ex, int status) {
    if (ex.getAttribute(COUNT) instanceof java.util.function.IntConsumer count) {
      count.accept(status);
    }
  }
}
