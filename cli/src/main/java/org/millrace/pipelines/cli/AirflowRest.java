package org.millrace.pipelines.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.millrace.pipelines.cli.airflow.client.ApiClient;
import org.millrace.pipelines.cli.airflow.client.ApiException;
import org.millrace.pipelines.cli.airflow.client.api.DagApi;
import org.millrace.pipelines.cli.airflow.client.api.DagRunApi;
import org.millrace.pipelines.cli.airflow.client.api.TaskInstanceApi;
import org.millrace.pipelines.cli.airflow.client.model.DAG;
import org.millrace.pipelines.cli.airflow.client.model.DAGRun;

/**
 * Drives an Airflow 2.x deployment through its stable REST API ({@code /api/v1}), with the client
 * generated from Airflow 2.10.5's OpenAPI spec: unpause a DAG, trigger a DAG run with a conf, wait
 * for it, read its task instances. Basic authentication (Airflow's {@code basic_auth} API backend)
 * when a user is given. Errors name the request and Airflow's answer.
 */
public final class AirflowRest implements AirflowApi {
  private final String baseUrl;
  private final String version;
  private final boolean basic;
  private final DagApi dags;
  private final DagRunApi runs;
  private final TaskInstanceApi tasks;

  /** {@code baseUrl}: the API root, e.g. {@code http://airflow:8080/api/v1}. */
  public AirflowRest(String baseUrl, String user, String password) {
    this(baseUrl, user, password, "2.x");
  }

  /** {@code baseUrl}: the API root; {@code version}: what the server reported at {@code /api/v1/version}. */
  public AirflowRest(String baseUrl, String user, String password, String version) {
    if (baseUrl == null || !baseUrl.matches("https?://.+")) {
      throw new IllegalArgumentException("Airflow URL expected http(s)://host:port/api/v1, got '" + baseUrl + "'");
    }
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.version = version;
    this.basic = user != null;
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

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public String serverVersion() {
    return version;
  }

  @Override
  public String authentication() {
    return basic ? "basic authentication" : "no authentication";
  }

  @Override
  public void unpause(String dagId) {
    call("PATCH /dags/" + dagId, () -> dags.patchDag(dagId, new DAG().isPaused(false), List.of("is_paused")));
  }

  @Override
  public Run trigger(String dagId, String runId, Map<String, Object> conf) {
    var body = new DAGRun().conf(conf);
    if (runId != null) {
      body.dagRunId(runId);
    }
    return run(dagId, call("POST /dags/" + dagId + "/dagRuns", () -> runs.postDagRun(dagId, body)));
  }

  @Override
  public Run get(String dagId, String runId) {
    return run(dagId, call("GET /dags/" + dagId + "/dagRuns/" + runId, () -> runs.getDagRun(dagId, runId, null)));
  }

  @Override
  public List<Task> taskInstances(String dagId, String runId) {
    return call("GET /dags/" + dagId + "/dagRuns/" + runId + "/taskInstances", () -> tasks.getTaskInstances(dagId,
        runId, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null))
        .getTaskInstances().stream().map(ti -> new Task(ti.getTaskId(), ti.getState() == null ? null
            : ti.getState().getValue(), ti.getTryNumber(), ti.getDuration() == null ? null
            : ti.getDuration().doubleValue())).toList();
  }

  private static Run run(String dagId, DAGRun r) {
    return new Run(dagId, r.getDagRunId(), r.getState() == null ? null : r.getState().getValue());
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws ApiException;
  }

  private <T> T call(String what, Call<T> c) {
    try {
      return c.run();
    } catch (ApiException e) {
      throw AirflowServers.failure(baseUrl, what, e.getCode(), e.getResponseBody(), e);
    }
  }
}
