package org.millrace.pipelines.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code millrace airflow trigger} asks of an Airflow webserver, whichever REST API it
 * speaks: {@link AirflowRest} for Airflow 2.x ({@code /api/v1}, basic authentication) and
 * {@link AirflowRest3} for Airflow 3 ({@code /api/v2}, a bearer token). {@link AirflowServers}
 * finds out which one a server is.
 */
public interface AirflowApi {
  /** A DAG run as Airflow reports it; {@code state} in Airflow's words (queued, running, success, failed). */
  record Run(String dagId, String runId, String state) {
    /** Whether the run has finished (succeeded or failed). */
    public boolean finished() {
      return "success".equals(state) || "failed".equals(state);
    }
  }

  /** A task instance of a run; {@code state}, {@code tryNumber} and {@code duration} may be null. */
  record Task(String taskId, String state, Integer tryNumber, Double duration) {}

  /** The API root this client sends to, e.g. {@code http://airflow:8080/api/v2}. */
  String baseUrl();

  /** The Airflow version the server reported, e.g. {@code 3.2.1}. */
  String serverVersion();

  /** How requests are authenticated, in words (for the console). */
  String authentication();

  /** Unpauses a DAG (Airflow pauses newly added DAGs; a paused DAG's runs stay queued). */
  void unpause(String dagId);

  /** Triggers a DAG run; {@code runId} null lets Airflow name it. Returns the run as Airflow created it. */
  Run trigger(String dagId, String runId, Map<String, Object> conf);

  /** The run's current state. */
  Run get(String dagId, String runId);

  /** The task instances of a run (one per node of an exported DAG). */
  List<Task> taskInstances(String dagId, String runId);

  /** Polls a run until it succeeds or fails, or {@code timeout} passes (then throws). */
  default Run await(String dagId, String runId, Duration poll, Duration timeout, Consumer<String> log)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = null;
    while (true) {
      Run run = get(dagId, runId);
      if (!run.state().equals(last)) {
        last = run.state();
        log.accept("airflow: " + dagId + " run " + runId + " is " + last);
      }
      if (run.finished()) {
        return run;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Airflow run " + runId + " of " + dagId + " expected to finish within "
            + timeout + ", got state " + last);
      }
      Thread.sleep(poll.toMillis());
    }
  }
}
