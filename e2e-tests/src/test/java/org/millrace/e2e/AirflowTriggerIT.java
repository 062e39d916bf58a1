package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.millrace.pipelines.cli.AirflowStandIn;

/**
 * {@code ./millrace airflow trigger} as a user runs it, through the real launcher, against a
 * stand-in Airflow 2.10 and 3.2 that validates every request and answer against that version's
 * OpenAPI spec: the version is detected, Airflow 3 gets a token from {@code POST /auth/token} and
 * bearer requests on {@code /api/v2}, Airflow 2 basic authentication on {@code /api/v1}; exit codes
 * 0 (success), 1 (the run failed), 3 (refused).
 */
class AirflowTriggerIT {
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir
  Path dir;

  @ParameterizedTest(name = "Airflow {0}")
  @ValueSource(ints = {2, 3})
  void triggersAndWaitsThroughTheLauncher(int major) throws Exception {
    String api = major == 2 ? "/api/v1" : "/api/v2";
    try (var airflow = new AirflowStandIn(major, "admin", "s3cret")) {
      var cli = new MillraceProcess(dir).env("AIRFLOW_PASSWORD", "s3cret");
      var ok = cli.run(TIMEOUT, "airflow", "trigger", "millrace_penguins", "--url", airflow.url(), "--user", "admin",
          "--unpause", "--run-id", "nightly-1", "--conf", "span=20261130", "--wait", "--poll-seconds", "0.05");
      assertEquals(0, ok.code(), ok.toString());
      List<String> lines = ok.out().lines().toList();
      assertEquals("airflow: Airflow " + (major == 2 ? "2.10.5" : "3.2.1") + " at " + airflow.url() + api + ", "
          + (major == 2 ? "basic authentication" : "a bearer token"), lines.get(0), ok.toString());
      assertTrue(lines.contains("airflow: millrace_penguins run nightly-1 is success"), ok.toString());
      assertTrue(ok.out().contains("trainer") && ok.out().contains("7.25"), ok.toString());
      assertEquals(major == 2 ? "Basic" : "Bearer", airflow.authorizations.get(airflow.authorizations.size() - 1));
      assertTrue(airflow.requests.contains("POST " + api + "/dags/millrace_penguins/dagRuns"), airflow.requests
          .toString());
      assertEquals(List.of(), airflow.violations);

      var failed = cli.run(TIMEOUT, "airflow", "trigger", "millrace_penguins", "--url", airflow.url() + api,
          "--user", "admin", "--conf", "fail=true", "--wait", "--poll-seconds", "0.05");
      assertEquals(1, failed.code(), failed.toString());
      assertTrue(failed.out().contains("is failed"), failed.toString());

      assertEquals(List.of(), airflow.violations);
      if (major == 3) {
        // A wrong password: the token request is refused, exit code 3 (AirflowTriggerTest covers 2.x in-process).
        var denied = new MillraceProcess(dir).env("AIRFLOW_PASSWORD", "wrong").run(TIMEOUT, "airflow", "trigger",
            "millrace_penguins", "--url", airflow.url(), "--user", "admin");
        assertEquals(3, denied.code(), denied.toString());
        assertTrue(denied.err().contains("answered 401 to POST /auth/token"), denied.toString());
        assertEquals(List.of(), airflow.violations);
      }
    }
  }
}
