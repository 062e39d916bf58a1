package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The stand-in's contract checks can fail: requests and answers that break Airflow's specs (a
 * wrong type, a missing required property, a value outside an enum, a malformed date-time, an
 * unknown property, a query parameter of the wrong type, a wrong security scheme) are each
 * reported, for both versions.
 */
class AirflowContractTest {
  static final JsonMapper JSON = JsonMapper.builder().build();

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void rejects(List<String> violations, String expected) {
    assertTrue(violations.stream().anyMatch(v -> v.contains(expected)), expected + " not in " + violations);
  }

  @Test
  void airflow3RequestsAndAnswers() throws Exception {
    try (var airflow = new AirflowStandIn(3, "admin", "pw")) {
      var c = airflow.contract();
      String bearer = "Bearer " + airflow.token();
      String path = "/api/v2/dags/d/dagRuns";
      String json = "application/json";
      assertEquals(List.of(), c.checkRequest("POST", path, null, bearer, json,
          b("{\"logical_date\": null, \"conf\": {\"a\": 1}, \"dag_run_id\": \"r\"}")));
      assertEquals(List.of(), c.checkRequest("POST", path, null, bearer, json,
          b("{\"logical_date\": \"2026-12-01T10:00:00Z\"}")));
      rejects(c.checkRequest("POST", path, null, bearer, json, b("{\"conf\": \"span=1\"}")), "/conf");
      rejects(c.checkRequest("POST", path, null, bearer, json, b("{\"dag_run_id\": 7}")), "/dag_run_id");
      rejects(c.checkRequest("POST", path, null, bearer, json, b("{\"logical_date\": \"yesterday\"}")),
          "/logical_date");
      rejects(c.checkRequest("POST", path, null, bearer, json, b("{\"execution_date\": \"2026-12-01T10:00:00Z\"}")),
          "execution_date");
      rejects(c.checkRequest("PATCH", "/api/v2/dags/d", "update_mask=is_paused", bearer, json, b("{}")),
          "is_paused");
      rejects(c.checkRequest("PATCH", "/api/v2/dags/d", null, bearer, json, b("{\"is_paused\": \"no\"}")),
          "/is_paused");
      rejects(c.checkRequest("GET", "/api/v2/dags/d/dagRuns/r/taskInstances", "limit=many", bearer, null, b("")),
          "query parameter limit");
      rejects(c.checkRequest("GET", "/api/v2/dags/d/dagRuns/r/taskInstances", "colour=red", bearer, null, b("")),
          "'colour'");
      rejects(c.checkRequest("GET", "/api/v2/dags/d/dagRuns/r", null, null, null, b("")), "got none");
      rejects(c.checkRequest("DELETE", "/api/v2/dags/d/dagRuns/r/taskInstances", null, bearer, null, b("")),
          "no such operation");

      var get = c.operation("GET", "/api/v2/dags/d/dagRuns/r");
      String run = """
          {"dag_run_id": "r", "dag_id": "d", "dag_display_name": "d", "run_after": "2026-12-01T10:00:00Z",
           "run_type": "manual", "state": "%s", "dag_versions": [], "note": null, "logical_date": %s}""";
      assertEquals(List.of(), c.checkResponse(get, 200, JSON.readTree(run.formatted("queued", "null"))));
      rejects(c.checkResponse(get, 200, JSON.readTree(run.formatted("finished", "null"))), "/state");
      rejects(c.checkResponse(get, 200, JSON.readTree(run.formatted("queued", "\"12/01/2026\""))), "/logical_date");
      rejects(c.checkResponse(get, 200, JSON.readTree(run.formatted("queued", "null").replace(
          "\"dag_versions\": [], ", ""))), "dag_versions");
      rejects(c.checkResponse(get, 409, JSON.readTree("{\"detail\": \"x\"}")), "status not declared");
      rejects(c.checkResponse(get, 404, JSON.readTree("{\"message\": \"x\"}")), "detail");
      rejects(c.checkResponse(c.operation("GET", "/api/v2/version"), 200, JSON.readTree("{\"git_version\": null}")),
          "version");
    }
  }

  @Test
  void airflow2RequestsAndAnswers() throws Exception {
    try (var airflow = new AirflowStandIn(2, "admin", "pw")) {
      var c = airflow.contract();
      String basic = "Basic YWRtaW46cHc=";
      String path = "/api/v1/dags/d/dagRuns";
      String json = "application/json";
      assertEquals(List.of(), c.checkRequest("POST", path, null, basic, json, b("{\"conf\": {\"a\": 1},"
          + " \"dag_run_id\": \"r\"}")));
      rejects(c.checkRequest("POST", path, null, basic, json, b("{\"conf\": [1]}")), "/conf");
      rejects(c.checkRequest("POST", path, null, basic, json, b("{\"logical_date\": \"soon\"}")), "/logical_date");
      // Airflow 2's spec declares its schemes but requires none (the auth backend is configuration): the
      // stand-in server, not the contract, refuses what is not basic authentication (401).
      assertEquals(List.of(), c.checkRequest("POST", path, null, "Bearer abc", json, b("{}")));
      rejects(c.checkRequest("GET", "/api/v1/dags/d/dagRuns/r/taskInstances", "limit=many", basic, null, b("")),
          "query parameter limit");

      var get = c.operation("GET", "/api/v1/dags/d/dagRuns/r");
      assertEquals(List.of(), c.checkResponse(get, 200, JSON.readTree("{\"dag_run_id\": \"r\", \"dag_id\": \"d\","
          + " \"state\": \"queued\", \"conf\": {}, \"note\": null}")));
      rejects(c.checkResponse(get, 200, JSON.readTree("{\"dag_run_id\": \"r\", \"state\": \"done\"}")), "/state");
      rejects(c.checkResponse(get, 200, JSON.readTree("{\"dag_run_id\": 5}")), "/dag_run_id");
      rejects(c.checkResponse(get, 404, JSON.readTree("{\"detail\": \"x\"}")), "required");
    }
  }
}
