package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code millrace airflow trigger} against a stand-in Airflow that checks each request against
 * Airflow's OpenAPI spec (no Airflow here). The password comes from an environment variable; the
 * test uses HOME's value as the password, so that one exists.
 */
class AirflowTriggerTest {
  record Out(int code, String out, String err) {}

  static Out millrace(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = MillraceCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  @Test
  void triggersWaitsAndListsTasksWithRequestsTheSpecAllows() throws Exception {
    String password = System.getenv("HOME");
    Assumptions.assumeTrue(password != null, "no HOME variable to take the password from");
    try (var airflow = new FakeAirflow("admin", password)) {
      Out ok = millrace("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "admin",
          "--password-env", "HOME", "--unpause", "--run-id", "backfill-2026-11", "--conf", "span=20261130",
          "--conf", "note=rerun after fix", "--wait", "--poll-seconds", "0.01");
      assertEquals(0, ok.code(), ok.err() + ok.out());
      assertEquals(List.of(), airflow.violations);
      assertEquals(List.of("PATCH /dags/millrace_penguins", "POST /dags/millrace_penguins/dagRuns",
          "GET /dags/millrace_penguins/dagRuns/backfill-2026-11", "GET /dags/millrace_penguins/dagRuns/backfill-2026-11",
          "GET /dags/millrace_penguins/dagRuns/backfill-2026-11/taskInstances"), airflow.requests);
      assertEquals("{\"span\":20261130,\"note\":\"rerun after fix\"}",
          airflow.runs.get("millrace_penguins/backfill-2026-11").get("conf").toString());
      List<String> lines = ok.out().lines().toList();
      assertEquals("airflow: unpaused millrace_penguins", lines.get(0));
      assertEquals("airflow: triggered millrace_penguins run backfill-2026-11 (queued)", lines.get(1));
      assertTrue(lines.contains("airflow: millrace_penguins run backfill-2026-11 is running"), ok.out());
      assertTrue(lines.contains("airflow: millrace_penguins run backfill-2026-11 is success"), ok.out());
      assertTrue(ok.out().contains("trainer") && ok.out().contains("7.25"), ok.out());

      // A run that fails: exit code 1. Airflow names the run itself when no id is given.
      Out failed = millrace("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "admin",
          "--password-env", "HOME", "--conf", "fail=true", "--wait", "--poll-seconds", "0.01");
      assertEquals(1, failed.code(), failed.err() + failed.out());
      assertTrue(failed.out().contains("run manual__2026-12-01T10:00:00+00:00 is failed"), failed.out());
      assertEquals(List.of(), airflow.violations);

      // Airflow's refusals and a wrong password: exit code 3 and Airflow's own words.
      Out again = millrace("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "admin",
          "--password-env", "HOME", "--run-id", "backfill-2026-11");
      assertEquals(3, again.code());
      assertTrue(again.err().startsWith("error: Airflow at " + airflow.url() + " answered 409 to POST"
          + " /dags/millrace_penguins/dagRuns: "), again.err());
      assertTrue(again.err().contains("already exists"), again.err());
      Out denied = millrace("airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "nobody",
          "--password-env", "HOME");
      assertEquals(3, denied.code());
      assertTrue(denied.err().contains("answered 401"), denied.err());
    }
    Out down = millrace("airflow", "trigger", "x", "--url", "http://127.0.0.1:1/api/v1");
    assertEquals(3, down.code());
    assertTrue(down.err().startsWith("error: Airflow at http://127.0.0.1:1/api/v1 could not be reached for POST"
        + " /dags/x/dagRuns: "), down.err());
    Out bad = millrace("airflow", "trigger", "x", "--url", "airflow:8080");
    assertEquals(2, bad.code());
    assertEquals("error: Airflow URL expected http(s)://host:port/api/v1, got 'airflow:8080'", bad.err().trim());
  }
}
