package org.millrace.pipelines.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A stand-in for an Airflow webserver, for tests where no Airflow runs: Airflow 2.10
 * ({@code /api/v1}, basic authentication) or Airflow 3.2 ({@code /api/v2}, a bearer token from
 * {@code POST /auth/token}; {@code /api/v1} is gone). It serves the endpoints millrace calls and
 * checks every request it gets, and every answer it gives, with {@link OpenApiContract} against
 * that version's OpenAPI spec; what breaks the contract is collected in {@link #violations}, and a
 * request that breaks it is refused as Airflow would (400 for 2.x, 422 for 3). DAG runs go queued,
 * running, then success (failed when their conf has {@code fail: true}), one step per GET.
 */
public final class AirflowStandIn implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Airflow 3's token endpoint, outside the API spec: its request body and answer, as JSON Schema 2020-12. */
  static final String TOKEN_REQUEST = """
      {"type": "object", "required": ["username", "password"], "additionalProperties": false,
       "properties": {"username": {"type": "string", "minLength": 1}, "password": {"type": "string"}}}""";

  /** Contract violations seen so far (requests and the stand-in's own answers). */
  public final List<String> violations = new CopyOnWriteArrayList<>();
  /** Requests seen, as "METHOD path" (query left out). */
  public final List<String> requests = new CopyOnWriteArrayList<>();
  /** Authorization headers seen, in order. */
  public final List<String> authorizations = new CopyOnWriteArrayList<>();
  /** Runs, by "dag_id/run_id". */
  public final Map<String, ObjectNode> runs = new ConcurrentHashMap<>();
  private final int major;
  private final OpenApiContract contract;
  private final HttpServer http;
  private final String user;
  private final String password;
  private final String token = "eyJ" + UUID.randomUUID().toString().replace("-", "");
  private final com.networknt.schema.Schema tokenRequest = com.networknt.schema.SchemaRegistry.withDefaultDialect(
      com.networknt.schema.SpecificationVersion.DRAFT_2020_12).getSchema(TOKEN_REQUEST);

  /** A stand-in for Airflow {@code major} (2 or 3) with one user. */
  public AirflowStandIn(int major, String user, String password) throws IOException {
    if (major != 2 && major != 3) {
      throw new IllegalArgumentException("Airflow major version expected 2 or 3, got " + major);
    }
    this.major = major;
    this.user = user;
    this.password = password;
    Path dir = specs();
    this.contract = major == 2 ? new OpenApiContract(dir.resolve("v1.yaml"), "/api/v1")
        : new OpenApiContract(dir.resolve("v2.yaml"), "");
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext("/", this::handle);
    http.start();
  }

  /** The contract this stand-in checks against. */
  public OpenApiContract contract() {
    return contract;
  }

  /** The server's root URL, e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** The access token {@code POST /auth/token} hands out (Airflow 3). */
  public String token() {
    return token;
  }

  @Override
  public void close() {
    http.stop(0);
  }

  /** cli/src/main/openapi/airflow, from the cli module's directory or the repository root. */
  static Path specs() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      for (Path c : List.of(p.resolve("src/main/openapi/airflow"), p.resolve("cli/src/main/openapi/airflow"))) {
        if (Files.isRegularFile(c.resolve("v2.yaml"))) {
          return c;
        }
      }
    }
    throw new IllegalStateException("cli/src/main/openapi/airflow not found above " + Path.of("").toAbsolutePath());
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      serve(ex);
    } catch (RuntimeException e) {
      violations.add("the stand-in failed on " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + e);
      send(ex, 500, null, null);
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    requests.add(method + " " + path);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    authorizations.add(auth == null ? "none" : auth.split(" ")[0]);
    byte[] raw = ex.getRequestBody().readAllBytes();
    if (major == 3 && path.equals("/auth/token")) {
      token(ex, method, raw);
      return;
    }
    var op = contract.operation(method, path);
    if (op == null) {
      // Not this version's API (Airflow 3 has no /api/v1, Airflow 2 no /api/v2): 404 like the real servers,
      // which is not a violation when asked for a version (detection), and one otherwise.
      if (!path.endsWith("/version")) {
        violations.add(method + " " + path + ": no such operation in Airflow " + major + "'s spec");
      }
      send(ex, 404, null, major == 2 ? error(404, "Not Found") : F.objectNode().put("detail", "Not Found"));
      return;
    }
    List<String> broken = contract.checkRequest(method, path, ex.getRequestURI().getRawQuery(), auth,
        ex.getRequestHeaders().getFirst("Content-Type"), raw);
    violations.addAll(broken);
    boolean needsAuth = !op.template().endsWith("/version");
    if (needsAuth && !authorized(auth)) {
      send(ex, 401, op, major == 2 ? error(401, "Unauthorized") : F.objectNode().put("detail", "Not authenticated"));
      return;
    }
    if (!broken.isEmpty()) {
      send(ex, major == 2 ? 400 : 422, op, major == 2 ? error(400, String.join("; ", broken))
          : validationError(broken));
      return;
    }
    JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
    String[] parts = path.substring(major == 2 ? "/api/v1".length() : "/api/v2".length()).split("/");
    if (op.template().endsWith("/version")) {
      send(ex, 200, op, F.objectNode().put("version", major == 2 ? "2.10.5" : "3.2.1").putNull("git_version"));
      return;
    }
    String dagId = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
    if (method.equals("PATCH") && parts.length == 3) {
      send(ex, 200, op, dag(dagId, body.get("is_paused").asBoolean()));
    } else if (method.equals("POST") && parts.length == 4) {
      if (major == 3 && !body.has("logical_date")) {
        // Airflow 3's server requires the key (null for none), which the client spec leaves optional.
        send(ex, 422, op, validationError(List.of("body.logical_date: Field required")));
        return;
      }
      String id = body.hasNonNull("dag_run_id") ? body.get("dag_run_id").asText()
          : "manual__2026-12-01T10:00:00+00:00";
      if (runs.containsKey(dagId + "/" + id)) {
        String detail = "DAGRun with DAG ID: '" + dagId + "' and DAGRun ID: '" + id + "' already exists";
        send(ex, 409, op, major == 2 ? error(409, detail) : F.objectNode().put("detail", detail));
        return;
      }
      ObjectNode run = run(dagId, id, body.has("conf") ? body.get("conf") : F.objectNode());
      runs.put(dagId + "/" + id, run);
      send(ex, 200, op, run);
    } else if (method.equals("GET") && parts.length == 5) {
      ObjectNode run = runs.get(dagId + "/" + URLDecoder.decode(parts[4], StandardCharsets.UTF_8));
      if (run == null) {
        send(ex, 404, op, major == 2 ? error(404, "DAGRun not found") : F.objectNode().put("detail",
            "DAGRun not found"));
        return;
      }
      String next = switch (run.get("state").asText()) {
        case "queued" -> "running";
        case "running" -> run.path("conf").path("fail").asBoolean() ? "failed" : "success";
        default -> run.get("state").asText();
      };
      run.put("state", next);
      send(ex, 200, op, run);
    } else if (method.equals("GET") && parts.length == 6) {
      String runId = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
      ObjectNode tis = F.objectNode().put("total_entries", 2);
      tis.putArray("task_instances").add(task(dagId, runId, "ingest", 1.5)).add(task(dagId, runId, "trainer", 7.25));
      send(ex, 200, op, tis);
    } else {
      send(ex, 404, op, major == 2 ? error(404, "not served by this stand-in")
          : F.objectNode().put("detail", "not served by this stand-in"));
    }
  }

  private boolean authorized(String auth) {
    if (major == 2) {
      return ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
          .equals(auth);
    }
    return ("Bearer " + token).equals(auth);
  }

  private void token(HttpExchange ex, String method, byte[] raw) throws IOException {
    if (!method.equals("POST")) {
      violations.add(method + " /auth/token: expected POST");
      send(ex, 405, null, F.objectNode().put("detail", "Method Not Allowed"));
      return;
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    JsonNode body;
    try {
      body = JSON.readTree(raw);
    } catch (IOException e) {
      body = F.missingNode();
    }
    var errors = tokenRequest.validate(body);
    if (type == null || !type.startsWith("application/json") || !errors.isEmpty()) {
      violations.add("POST /auth/token: expected a JSON {username, password}, got " + type + " " + errors);
      send(ex, 422, null, F.objectNode().put("detail", "invalid login body"));
      return;
    }
    if (!user.equals(body.get("username").asText()) || !password.equals(body.get("password").asText())) {
      send(ex, 401, null, F.objectNode().put("detail", "Invalid credentials"));
      return;
    }
    send(ex, 201, null, F.objectNode().put("access_token", token));
  }

  private ObjectNode dag(String dagId, boolean paused) {
    ObjectNode d = F.objectNode().put("dag_id", dagId).put("is_paused", paused).put("fileloc",
        "/opt/airflow/dags/" + dagId + ".py").put("file_token", "Ii9vcHQvYWlyZmxvdy9kYWdzIg");
    d.putArray("owners").add("airflow");
    d.putArray("tags").add(F.objectNode().put("name", "millrace").put("dag_id", dagId).put("dag_display_name", dagId));
    if (major == 2) {
      ((ObjectNode) d.get("tags").get(0)).remove(List.of("dag_id", "dag_display_name"));
      return d.put("dag_display_name", dagId).put("is_active", true).putNull("description");
    }
    return d.put("dag_display_name", dagId).put("is_stale", false).put("timetable_partitioned", false)
        .put("max_active_tasks", 16).put("max_consecutive_failed_dag_runs", 0)
        .put("has_task_concurrency_limits", false).put("has_import_errors", false).put("max_active_runs", 1)
        .putNull("description").put("bundle_name", "dags-folder");
  }

  private ObjectNode run(String dagId, String id, JsonNode conf) {
    ObjectNode r = F.objectNode().put("dag_run_id", id).put("dag_id", dagId).put("state", "queued")
        .put("run_type", "manual").put("logical_date", "2026-12-01T10:00:00+00:00").putNull("start_date")
        .putNull("end_date");
    r.set("conf", conf);
    if (major == 2) {
      return r.put("external_trigger", true);
    }
    r.put("run_after", "2026-12-01T10:00:00Z").put("dag_display_name", dagId).put("triggered_by", "rest_api")
        .putNull("note").putNull("duration").put("triggering_user_name", user);
    r.putArray("dag_versions").add(F.objectNode().put("id", "0193f1c2-6d3e-7a8b-9c0d-1e2f3a4b5c6d")
        .put("version_number", 1).put("dag_id", dagId).put("created_at", "2026-11-30T08:00:00Z")
        .put("dag_display_name", dagId).put("bundle_name", "dags-folder").putNull("bundle_version"));
    return r;
  }

  private ObjectNode task(String dagId, String runId, String taskId, double duration) {
    ObjectNode t = F.objectNode().put("task_id", taskId).put("dag_id", dagId).put("dag_run_id", runId)
        .put("state", "success").put("try_number", 1).put("duration", duration).put("map_index", -1)
        .put("operator", "BashOperator");
    if (major == 2) {
      return t.put("execution_date", "2026-12-01T10:00:00+00:00").put("max_tries", 0).put("pool", "default_pool");
    }
    return t.put("id", UUID.nameUUIDFromBytes((runId + taskId).getBytes(StandardCharsets.UTF_8)).toString())
        .put("run_after", "2026-12-01T10:00:00Z").put("max_tries", 0).put("task_display_name", taskId)
        .put("dag_display_name", dagId).put("pool", "default_pool").put("pool_slots", 1)
        .put("executor_config", "{}").putNull("hostname").put("start_date", "2026-12-01T10:00:01.5Z");
  }

  private static ObjectNode error(int status, String detail) {
    return F.objectNode().put("type", "about:blank").put("title", detail).put("status", status).put("detail", detail);
  }

  private static ObjectNode validationError(List<String> broken) {
    ObjectNode e = F.objectNode();
    var detail = e.putArray("detail");
    for (String b : broken) {
      ObjectNode d = detail.addObject().put("msg", b).put("type", "value_error");
      d.putArray("loc").add("body");
    }
    return e;
  }

  /** Checks the answer against the operation's declared responses (when it has an operation), then sends it. */
  private void send(HttpExchange ex, int status, OpenApiContract.Operation op, JsonNode body) throws IOException {
    if (op != null) {
      for (String v : contract.checkResponse(op, status, body)) {
        violations.add(v + " (the stand-in's own)");
      }
    }
    byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }
}
