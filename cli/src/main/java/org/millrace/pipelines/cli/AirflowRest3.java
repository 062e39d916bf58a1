package org.millrace.pipelines.cli;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.millrace.pipelines.cli.airflow.client.v2.ApiClient;
import org.millrace.pipelines.cli.airflow.client.v2.ApiException;
import org.millrace.pipelines.cli.airflow.client.v2.api.DagApi;
import org.millrace.pipelines.cli.airflow.client.v2.api.DagRunApi;
import org.millrace.pipelines.cli.airflow.client.v2.api.TaskInstanceApi;
import org.millrace.pipelines.cli.airflow.client.v2.model.DAGPatchBody;
import org.millrace.pipelines.cli.airflow.client.v2.model.DAGRunResponse;
import org.millrace.pipelines.cli.airflow.client.v2.model.TriggerDAGRunPostBody;

/**
 * Drives an Airflow 3 deployment through its public REST API ({@code /api/v2}), with the client
 * generated from the official client spec of Airflow 3.2 (OpenAPI 3.1): the same operations as
 * {@link AirflowRest}, each request carrying {@code Authorization: Bearer <JWT>} (the token from
 * {@code POST /auth/token}, see {@link AirflowServers}). A triggered run gets the current time as
 * its logical date, as Airflow 2 gave it, so its data interval (and an exported DAG's span) is set.
 */
public final class AirflowRest3 implements AirflowApi {
  private final String baseUrl;
  private final String version;
  private final boolean bearer;
  private final DagApi dags;
  private final DagRunApi runs;
  private final TaskInstanceApi tasks;

  /**
   * {@code baseUrl}: the API root, e.g. {@code http://airflow:8080/api/v2}; {@code token}: the
   * access token (null sends none); {@code version}: what the server reported at {@code /api/v2/version}.
   */
  public AirflowRest3(String baseUrl, String token, String version) {
    if (baseUrl == null || !baseUrl.matches("https?://.+")) {
      throw new IllegalArgumentException("Airflow URL expected http(s)://host:port/api/v2, got '" + baseUrl + "'");
    }
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.version = version;
    this.bearer = token != null;
    var client = new ApiClient();
    // The spec's paths carry /api/v2 themselves: the client's base is the server's root.
    client.updateBaseUri(this.baseUrl.replaceAll("/api/v2$", ""));
    client.setConnectTimeout(Duration.ofSeconds(10));
    client.setReadTimeout(Duration.ofSeconds(60));
    if (token != null) {
      client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
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
    return bearer ? "a bearer token" : "no authentication";
  }

  @Override
  public void unpause(String dagId) {
    call("PATCH /dags/" + dagId, () -> dags.patchDag(dagId, new DAGPatchBody().isPaused(false),
        List.of("is_paused")));
  }

  @Override
  public Run trigger(String dagId, String runId, Map<String, Object> conf) {
    // openapi-generator 7.10 makes this model (additionalProperties: false, an empty required list) a HashMap
    // whose entries are what Jackson writes, not its bean properties: the fields go in as entries. The
    // server requires logical_date (null for none); the current time gives the run a data interval.
    var body = new TriggerDAGRunPostBody();
    body.put(TriggerDAGRunPostBody.JSON_PROPERTY_CONF, conf);
    body.put(TriggerDAGRunPostBody.JSON_PROPERTY_LOGICAL_DATE, OffsetDateTime.now(ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.MICROS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    if (runId != null) {
      body.put(TriggerDAGRunPostBody.JSON_PROPERTY_DAG_RUN_ID, runId);
    }
    return run(call("POST /dags/" + dagId + "/dagRuns", () -> runs.triggerDagRun(dagId, body)));
  }

  @Override
  public Run get(String dagId, String runId) {
    return run(call("GET /dags/" + dagId + "/dagRuns/" + runId, () -> runs.getDagRun(dagId, runId)));
  }

  @Override
  public List<Task> taskInstances(String dagId, String runId) {
    // Filters (task id, dates, durations, patterns, states, pools, queues, executors, versions, tries,
    // operators, map indexes) unset; at most 100 tasks, Airflow's default maximum page.
    return call("GET /dags/" + dagId + "/dagRuns/" + runId + "/taskInstances", () -> tasks.getTaskInstances(dagId,
        runId, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, 100, null, null)).getTaskInstances().stream().map(ti -> new Task(ti.getTaskId(),
            ti.getState() == null ? null : ti.getState().getValue(), ti.getTryNumber(), ti.getDuration() == null
            ? null : ti.getDuration().doubleValue())).toList();
  }

  private static Run run(DAGRunResponse r) {
    return new Run(r.getDagId(), r.getDagRunId(), r.getState() == null ? null : r.getState().getValue());
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
