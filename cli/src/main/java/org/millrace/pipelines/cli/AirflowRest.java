package org.millrace.pipelines.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.millrace.pipelines.cli.airflow.client.ApiClient;
import org.millrace.pipelines.cli.airflow.client.ApiException;
import org.millrace.pipelines.cli.airflow.client.api.DagApi;
import org.millrace.pipelines.cli.airflow.client.api.DagRunApi;
import org.millrace.pipelines.cli.airflow.client.api.TaskInstanceApi;
import org.millrace.pipelines.cli.airflow.client.model.DAG;
import org.millrace.pipelines.cli.airflow.client.model.DAGRun;
import org.millrace.pipelines.cli.airflow.client.model.DagState;
import org.millrace.pipelines.cli.airflow.client.model.TaskInstance;

/**
 * Drives an Airflow deployment through its stable REST API ({@code /api/v1}), with the client
 * generated from Airflow's OpenAPI spec: unpause a DAG, trigger a DAG run with a conf, wait for
 * it, read its task instances. Basic authentication (Airflow's {@code basic_auth} API backend)
 * when a user is given. Errors name the request and Airflow's answer.
 */
public final class AirflowRest {
  private final String baseUrl;
  private final DagApi dags;
  private final DagRunApi runs;
  private final TaskInstanceApi tasks;

  /** {@code baseUrl}: the API root, e.g. {@code http://airflow:8080/api/v1}. */
  public AirflowRest(String baseUrl, String user, String password) {
    if (baseUrl == null || !baseUrl.matches("https?://.+")) {
      throw new IllegalArgumentException("Airflow URL expected http(s)://host:port/api/v1, got '" + baseUrl + "'");
    }
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    var client = new ApiClient();
    client.updateBaseUri(this.baseUrl);
    client.setConnectTimeout(Duration.ofSeconds(10));
    client.setReadTimeout(Duration.ofSeconds(60));
    if (user != null) {
      String token = Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password))
          .getBytes(StandardCharsets.UTF_8));
      client.setRequestInterceptor(b -> b.header("Authorization", "Basic " + token));
    }
    this.dags = new DagApi(client);
    this.runs = new DagRunApi(client);
    this.tasks = new TaskInstanceApi(client);
  }

  /** Unpauses a DAG (Airflow pauses newly added DAGs; a paused DAG's runs stay queued). */
  public void unpause(String dagId) {
    call("PATCH /dags/" + dagId, () -> dags.patchDag(dagId, new DAG().isPaused(false), List.of("is_paused")));
  }

  /** Triggers a DAG run; {@code runId} null lets Airflow name it. Returns the run as Airflow created it. */
  public DAGRun trigger(String dagId, String runId, Map<String, Object> conf) {
    var body = new DAGRun().conf(conf);
    if (runId != null) {
      body.dagRunId(runId);
    }
    return call("POST /dags/" + dagId + "/dagRuns", () -> runs.postDagRun(dagId, body));
  }

  public DAGRun get(String dagId, String runId) {
    return call("GET /dags/" + dagId + "/dagRuns/" + runId, () -> runs.getDagRun(dagId, runId, null));
  }

  /** Polls a run until it succeeds or fails, or {@code timeout} passes (then throws). */
  public DAGRun await(String dagId, String runId, Duration poll, Duration timeout, Consumer<String> log)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    DagState last = null;
    while (true) {
      DAGRun run = get(dagId, runId);
      if (run.getState() != last) {
        last = run.getState();
        log.accept("airflow: " + dagId + " run " + runId + " is " + last);
      }
      if (last == DagState.SUCCESS || last == DagState.FAILED) {
        return run;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Airflow run " + runId + " of " + dagId + " expected to finish within "
            + timeout + ", got state " + last);
      }
      Thread.sleep(poll.toMillis());
    }
  }

  /** The task instances of a run (one per node of an exported DAG). */
  public List<TaskInstance> taskInstances(String dagId, String runId) {
    return call("GET /dags/" + dagId + "/dagRuns/" + runId + "/taskInstances", () -> tasks.getTaskInstances(dagId,
        runId, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null))
        .getTaskInstances();
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws ApiException;
  }

  private <T> T call(String what, Call<T> c) {
    try {
      return c.run();
    } catch (ApiException e) {
      if (e.getCode() == 0) {
        throw new IllegalStateException("Airflow at " + baseUrl + " could not be reached for " + what + ": "
            + e.getMessage(), e);
      }
      String body = e.getResponseBody() == null ? "" : e.getResponseBody().strip();
      throw new IllegalStateException("Airflow at " + baseUrl + " answered " + e.getCode() + " to " + what
          + (body.isEmpty() ? "" : ": " + body), e);
    }
  }
}
