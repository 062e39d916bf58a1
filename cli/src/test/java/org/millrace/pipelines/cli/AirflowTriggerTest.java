package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code millrace airflow trigger} against a stand-in Airflow 2.10 and 3.2 ({@link AirflowStandIn},
 * no Airflow here) that validates every request and answer against that version's OpenAPI spec.
 * The password comes from an environment variable; the test uses HOME's value as the password, so
 * that one exists.
 */
class AirflowTriggerTest {
  static String password() {
    String password = System.getenv("HOME");
    Assumptions.assumeTrue(password != null, "no HOME variable to take the password from");
    return password;
  }

  @ParameterizedTest(name = "Airflow {0}")
  @ValueSource(ints = {2, 3})
  void triggersWaitsAndListsTasksWithinTheContract(int major) throws Exception {
    String password = password();
    String api = major == 2 ? "/api/v1" : "/api/v2";
    try (var airflow = new AirflowStandIn(major, "admin", password)) {
      var ok = InProcess.run("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "admin",
          "--password-env", "HOME", "--unpause", "--run-id", "backfill-2026-11", "--conf", "span=20261130",
          "--conf", "note=rerun after fix", "--wait", "--poll-seconds", "0.01");
      assertEquals(0, ok.code(), ok.err() + ok.out());
      assertEquals(List.of(), airflow.violations);
      var expected = new java.util.ArrayList<String>();
      if (major == 2) {
        expected.addAll(List.of("GET /api/v2/version", "GET /api/v1/version"));
      } else {
        expected.addAll(List.of("GET /api/v2/version", "POST /auth/token"));
      }
      for (String r : List.of("PATCH /dags/millrace_penguins", "POST /dags/millrace_penguins/dagRuns",
          "GET /dags/millrace_penguins/dagRuns/backfill-2026-11", "GET /dags/millrace_penguins/dagRuns/backfill-2026-11",
          "GET /dags/millrace_penguins/dagRuns/backfill-2026-11/taskInstances")) {
        expected.add(r.replaceFirst(" ", " " + api));
      }
      assertEquals(expected, airflow.requests);
      // Basic authentication for 2.x; for 3, no credentials but to the token endpoint, then the bearer token.
      assertEquals(major == 2 ? List.of("none", "none", "Basic", "Basic", "Basic", "Basic", "Basic")
          : List.of("none", "none", "Bearer", "Bearer", "Bearer", "Bearer", "Bearer"), airflow.authorizations);
      assertEquals("{\"span\":20261130,\"note\":\"rerun after fix\"}",
          airflow.runs.get("millrace_penguins/backfill-2026-11").get("conf").toString());
      List<String> lines = ok.out().lines().toList();
      assertEquals("airflow: Airflow " + (major == 2 ? "2.10.5" : "3.2.1") + " at " + airflow.url() + api + ", "
          + (major == 2 ? "basic authentication" : "a bearer token"), lines.get(0));
      assertEquals("airflow: unpaused millrace_penguins", lines.get(1));
      assertEquals("airflow: triggered millrace_penguins run backfill-2026-11 (queued)", lines.get(2));
      assertTrue(lines.contains("airflow: millrace_penguins run backfill-2026-11 is running"), ok.out());
      assertTrue(lines.contains("airflow: millrace_penguins run backfill-2026-11 is success"), ok.out());
      assertTrue(ok.out().contains("trainer") && ok.out().contains("7.25"), ok.out());

      // A run that fails: exit code 1. Airflow names the run itself when no id is given.
      var failed = InProcess.run("airflow", "trigger", "millrace_penguins", "--url", airflow.url() + api, "--user",
          "admin", "--password-env", "HOME", "--conf", "fail=true", "--wait", "--poll-seconds", "0.01");
      assertEquals(1, failed.code(), failed.err() + failed.out());
      assertTrue(failed.out().contains("run manual__2026-12-01T10:00:00+00:00 is failed"), failed.out());
      assertEquals(List.of(), airflow.violations);

      // Airflow's refusals and a wrong password: exit code 3 and Airflow's own words.
      var again = InProcess.run("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "admin",
          "--password-env", "HOME", "--run-id", "backfill-2026-11");
      assertEquals(3, again.code());
      assertTrue(again.err().startsWith("error: Airflow at " + airflow.url() + api + " answered 409 to POST"
          + " /dags/millrace_penguins/dagRuns: "), again.err());
      assertTrue(again.err().contains("already exists"), again.err());
      var denied = InProcess.run("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "nobody",
          "--password-env", "HOME");
      assertEquals(3, denied.code());
      assertTrue(denied.err().contains("answered 401 to " + (major == 2 ? "POST /dags/millrace_penguins/dagRuns"
          : "POST /auth/token")), denied.err());
      assertEquals(List.of(), airflow.violations);
    }
  }

  @Test
  void airflow3TakesAGivenTokenAndRefusesBasicAuthentication() throws Exception {
    String password = password();
    try (var airflow = new AirflowStandIn(3, "admin", password)) {
      // A token given in an environment variable: no token request. PATH stands in for the variable.
      var wrong = InProcess.run("airflow", "trigger", "d", "--url", airflow.url(), "--token-env", "PATH");
      assertEquals(3, wrong.code(), wrong.out() + wrong.err());
      assertTrue(wrong.err().contains("answered 401 to POST /dags/d/dagRuns: {\"detail\":\"Not authenticated\"}"),
          wrong.err());
      assertEquals(List.of("GET /api/v2/version", "POST /api/v2/dags/d/dagRuns"), airflow.requests);
      assertEquals(List.of("none", "Bearer"), airflow.authorizations);
      assertEquals(List.of(), airflow.violations, "a bearer token keeps the contract, even a wrong one");

      // Basic authentication against /api/v2 (an Airflow 2 client pointed at Airflow 3): refused, and a
      // contract violation.
      var basic = InProcess.run("airflow", "trigger", "d", "--url", airflow.url(), "--api", "v1", "--user", "admin",
          "--password-env", "HOME");
      assertEquals(3, basic.code(), basic.out() + basic.err());
      assertTrue(basic.err().contains("expected to answer GET /api/v2/version (Airflow 3) or GET /api/v1/version"
          + " (Airflow 2), got 404"), basic.err());
      var v = airflow.contract().checkRequest("POST", "/api/v2/dags/d/dagRuns", null, "Basic YWRtaW46eA==",
          "application/json", "{\"logical_date\": null}".getBytes());
      assertEquals(List.of("POST /api/v2/dags/d/dagRuns: Authorization expected one of"
          + " [OAuth2PasswordBearer (Bearer), HTTPBearer (Bearer)], got 'Basic ...'"), v);
    }
    // Both a user and a token: which one is meant is unclear.
    try (var airflow = new AirflowStandIn(3, "admin", password)) {
      var both = InProcess.run("airflow", "trigger", "d", "--url", airflow.url(), "--user", "admin",
          "--token-env", "PATH");
      assertEquals(2, both.code(), both.err());
      assertTrue(both.err().contains("expected either a user"), both.err());
    }
    try (var airflow = new AirflowStandIn(2, "admin", password)) {
      var token = InProcess.run("airflow", "trigger", "d", "--url", airflow.url(), "--token-env", "PATH");
      assertEquals(2, token.code(), token.err());
      assertTrue(token.err().contains("Airflow 2.10.5 at " + airflow.url() + " (/api/v1) takes basic authentication:"
          + " expected --user, got a token (--token-env)"), token.err());
    }
  }

  @Test
  void unreachableOrMalformedUrls() {
    var down = InProcess.run("airflow", "trigger", "x", "--url", "http://127.0.0.1:1/api/v1");
    assertEquals(3, down.code());
    assertTrue(down.err().startsWith("error: Airflow at http://127.0.0.1:1/api/v2 could not be reached for GET"
        + " /version: "), down.err());
    var bad = InProcess.run("airflow", "trigger", "x", "--url", "airflow:8080");
    assertEquals(2, bad.code());
    assertEquals("error: Airflow URL expected http(s)://host:port (or its /api/v1 or /api/v2), got 'airflow:8080'",
        bad.err().trim());
    var api = InProcess.run("airflow", "trigger", "x", "--url", "http://h", "--api", "v4");
    assertEquals(2, api.code());
    assertEquals("error: --api expected auto, v1 or v2, got 'v4'", api.err().trim());
  }
}
