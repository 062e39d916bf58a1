package org.millrace.pipelines.airflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.millrace.pipelines.spec.PipelineSpec;

/** The DAG text for the options AirflowDagIT does not run: spans from the data interval, quoting, bad patterns. */
class AirflowDagTest {
  static PipelineSpec spec() {
    return PipelineSpec.fromJson("""
        {"name": "lake", "pipeline_root": "/tmp/lake", "beam_pipeline_args": [],
         "nodes": [{"id": "ingest", "component": "ExampleGen", "executor_version": "1", "inputs": {},
                    "parameters": {}, "retry": {"max_attempts": 1, "initial_backoff_millis": 0}, "cache": true}]}
        """);
  }

  @Test
  void spansComeFromTheDataIntervalAndValuesAreQuoted() {
    var dag = new AirflowDag("millrace_lake", spec(), "/opt/millrace", "/srv/p \"x\".yaml", "/srv", "@daily",
        LocalDate.of(2026, 11, 1), true, List.of("trainer.note=it's"), "ingest", "yyyyMMdd", "jdbc:postgresql://db/m");
    String py = dag.python();
    assertTrue(py.contains("SPAN = \"--set ingest.span={{ (data_interval_start or dag_run.run_after)"
        + ".strftime('%Y%m%d') }}\""), py);
    assertTrue(py.contains("PIPELINE = \"/srv/p \\\"x\\\".yaml\""), py);
    assertTrue(py.contains("ARGS = [\"--metadata=jdbc:postgresql://db/m\", \"--set\", \"trainer.note=it's\"]"), py);
    assertTrue(py.contains("schedule=\"@daily\"") && py.contains("catchup=True")
        && py.contains("start_date=pendulum.datetime(2026, 11, 1, tz=\"UTC\")"), py);
    assertEquals("%Y-%m-%dT%H", AirflowDag.strftime("yyyy-MM-dd'T'HH"));
    var e = assertThrows(IllegalArgumentException.class, () -> new AirflowDag("d", spec(), "m", "p", "w", null,
        LocalDate.of(2026, 1, 1), false, List.of(), "ingest", "EEE", null));
    assertEquals("--span-format for Airflow expected a pattern of yyyy, MM, dd and HH (a span is a number; quoted"
        + " literals of letters, digits, '_', '.' and '-'), got 'EEE'",
        e.getMessage());
    assertEquals("dag id expected letters, digits, '_', '.' and '-', got 'a b'", assertThrows(
        IllegalArgumentException.class, () -> new AirflowDag("a b", spec(), "m", "p", "w", null, LocalDate.of(2026, 1,
            1), false, List.of(), null, null, null)).getMessage());
  }
}
