package org.millrace.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A stand-in for an Airflow webserver's REST API, for tests where no Airflow runs: it answers
 * the few endpoints millrace calls, and checks every request — and its own answers — against
 * Airflow's OpenAPI spec (the path and method exist; query parameters are the operation's; body
 * properties exist in the schema and are not read-only). What does not conform is collected in
 * {@link #violations}. DAG runs go queued, running, then success (failed when their conf has
 * {@code fail: true}), one step per GET.
 */
final class FakeAirflow implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final List<String> violations = new CopyOnWriteArrayList<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final Map<String, ObjectNode> runs = new ConcurrentHashMap<>();
  private final Map<String, Object> spec;
  private final HttpServer http;
  private final String auth;

  @SuppressWarnings("unchecked")
  FakeAirflow(String user, String password) throws IOException {
    spec = (Map<String, Object>) new Yaml(new LoaderOptions()).load(Files.readString(
        Path.of("src/main/openapi/airflow/v1.yaml")));
    auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext("/api/v1", this::handle);
    http.start();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/api/v1";
  }

  @Override
  public void close() {
    http.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod().toLowerCase(java.util.Locale.ROOT);
    String path = ex.getRequestURI().getRawPath().substring("/api/v1".length());
    requests.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
    byte[] raw = ex.getRequestBody().readAllBytes();
    if (!auth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      send(ex, 401, "#/components/schemas/Error", error(401, "Unauthorized"));
      return;
    }
    Map<String, Object> op = operation(method, path);
    if (op == null) {
      violations.add(method + " " + path + ": no such operation in the spec");
      send(ex, 404, "#/components/schemas/Error", error(404, "Not Found"));
      return;
    }
    checkQuery(op, ex.getRequestURI().getRawQuery(), method + " " + path);
    JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
    if (body != null) {
      checkBody(requestSchema(op), body, method + " " + path + " body");
    }
    String[] parts = path.split("/");
    // /dags/{dag_id}, /dags/{dag_id}/dagRuns, /dags/{dag_id}/dagRuns/{id}, .../taskInstances
    String dagId = parts[2];
    if (method.equals("patch") && parts.length == 3) {
      ObjectNode dag = JSON.createObjectNode().put("dag_id", dagId).put("is_paused", body.path("is_paused").asBoolean());
      send(ex, 200, "#/components/schemas/DAG", dag);
    } else if (method.equals("post") && parts.length == 4) {
      String id = body.hasNonNull("dag_run_id") ? body.get("dag_run_id").asText() : "manual__2026-12-01T10:00:00+00:00";
      if (runs.containsKey(dagId + "/" + id)) {
        send(ex, 409, "#/components/schemas/Error", error(409, "DAGRun with DAG ID: '" + dagId + "' and DAGRun ID: '"
            + id + "' already exists"));
        return;
      }
      ObjectNode run = JSON.createObjectNode().put("dag_run_id", id).put("dag_id", dagId).put("state", "queued")
          .put("run_type", "manual").put("external_trigger", true).put("logical_date", "2026-12-01T10:00:00+00:00");
      run.set("conf", body.has("conf") ? body.get("conf") : JSON.createObjectNode());
      runs.put(dagId + "/" + id, run);
      send(ex, 200, "#/components/schemas/DAGRun", run);
    } else if (method.equals("get") && parts.length == 5) {
      ObjectNode run = runs.get(dagId + "/" + URLDecoder.decode(parts[4], StandardCharsets.UTF_8));
      if (run == null) {
        send(ex, 404, "#/components/schemas/Error", error(404, "DAGRun not found"));
        return;
      }
      String next = switch (run.get("state").asText()) {
        case "queued" -> "running";
        case "running" -> run.path("conf").path("fail").asBoolean() ? "failed" : "success";
        default -> run.get("state").asText();
      };
      run.put("state", next);
      send(ex, 200, "#/components/schemas/DAGRun", run);
    } else if (method.equals("get") && parts.length == 6) {
      ObjectNode tis = JSON.createObjectNode().put("total_entries", 2);
      tis.putArray("task_instances").add(JSON.createObjectNode().put("task_id", "ingest").put("state", "success")
          .put("try_number", 1).put("duration", 1.5)).add(JSON.createObjectNode().put("task_id", "trainer")
          .put("state", "success").put("try_number", 1).put("duration", 7.25));
      send(ex, 200, "#/components/schemas/TaskInstanceCollection", tis);
    } else {
      send(ex, 404, "#/components/schemas/Error", error(404, "not served by this stand-in"));
    }
  }

  static ObjectNode error(int status, String detail) {
    return JSON.createObjectNode().put("type", "about:blank").put("title", detail).put("status", status)
        .put("detail", detail);
  }

  private void send(HttpExchange ex, int status, String schemaRef, JsonNode body) throws IOException {
    checkBody(resolve(Map.of("$ref", schemaRef)), body, "answer " + status + " (the stand-in's own)");
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> operation(String method, String path) {
    var paths = (Map<String, Object>) spec.get("paths");
    for (var e : paths.entrySet()) {
      String regex = e.getKey().replaceAll("\\{[^}]+}", "[^/]+");
      if (path.matches(regex)) {
        var item = (Map<String, Object>) e.getValue();
        var op = (Map<String, Object>) item.get(method);
        if (op != null) {
          var all = new LinkedHashMap<String, Object>(op);
          var params = new ArrayList<Object>();
          if (item.get("parameters") != null) {
            params.addAll((List<Object>) item.get("parameters"));
          }
          if (op.get("parameters") != null) {
            params.addAll((List<Object>) op.get("parameters"));
          }
          all.put("parameters", params);
          return all;
        }
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private void checkQuery(Map<String, Object> op, String query, String where) {
    if (query == null || query.isEmpty()) {
      return;
    }
    var names = new ArrayList<String>();
    for (Object p : (List<Object>) op.get("parameters")) {
      Map<String, Object> param = resolve((Map<String, Object>) p);
      if ("query".equals(param.get("in"))) {
        names.add((String) param.get("name"));
      }
    }
    for (String kv : query.split("&")) {
      String name = URLDecoder.decode(kv.split("=", 2)[0], StandardCharsets.UTF_8);
      if (!names.contains(name)) {
        violations.add(where + ": query parameter '" + name + "' is not one of " + names);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> requestSchema(Map<String, Object> op) {
    var rb = (Map<String, Object>) op.get("requestBody");
    if (rb == null) {
      return null;
    }
    var content = (Map<String, Object>) ((Map<String, Object>) rb.get("content")).get("application/json");
    return resolve((Map<String, Object>) content.get("schema"));
  }

  /** Properties of a JSON body against a schema (following $ref and allOf): known, and not read-only in a request. */
  @SuppressWarnings("unchecked")
  private void checkBody(Map<String, Object> schema, JsonNode body, String where) {
    if (schema == null) {
      violations.add(where + ": a body where the spec has none");
      return;
    }
    var props = properties(schema);
    if (!body.isObject() || props.isEmpty()) {
      return;
    }
    boolean request = !where.startsWith("answer");
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      var p = props.get(k);
      if (p == null) {
        violations.add(where + ": property '" + k + "' is not in the schema " + props.keySet());
      } else if (request && Boolean.TRUE.equals(resolve(p).get("readOnly"))) {
        violations.add(where + ": property '" + k + "' is read-only");
      } else if (body.get(k).isArray() && resolve(p).get("items") != null) {
        for (JsonNode item : body.get(k)) {
          checkBody(resolve((Map<String, Object>) resolve(p).get("items")), item, where + "." + k + "[]");
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> properties(Map<String, Object> schema) {
    var out = new LinkedHashMap<String, Map<String, Object>>();
    Map<String, Object> s = resolve(schema);
    if (s.get("allOf") != null) {
      for (Object part : (List<Object>) s.get("allOf")) {
        out.putAll(properties((Map<String, Object>) part));
      }
    }
    if (s.get("properties") != null) {
      ((Map<String, Object>) s.get("properties")).forEach((k, v) -> out.put(k, (Map<String, Object>) v));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> resolve(Map<String, Object> node) {
    Map<String, Object> n = node;
    while (n.get("$ref") instanceof String ref) {
      Object cur = spec;
      for (String part : ref.substring(2).split("/")) {
        cur = ((Map<String, Object>) cur).get(part);
      }
      n = (Map<String, Object>) cur;
    }
    return n;
  }
}
