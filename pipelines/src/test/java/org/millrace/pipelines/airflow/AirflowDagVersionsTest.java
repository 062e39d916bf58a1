package org.millrace.pipelines.airflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported DAG imports under Airflow 2's module layout and under Airflow 3's (no Airflow
 * here: stand-in packages with only the modules each version has, in a python3 that has nothing
 * else), compiles, and renders its commands as each version's Jinja context allows: Airflow 3 runs
 * triggered without a logical date have no data interval, so the span comes from
 * {@code dag_run.run_after}; Airflow 2's {@code dag_run} has no {@code run_after}, which the
 * template must not touch (Airflow renders with {@code StrictUndefined}).
 */
class AirflowDagVersionsTest {
  @TempDir
  Path dir;

  /** Stand-in modules per Airflow version: path under the stand-in root, then the module's text. */
  static final Map<String, Map<String, String>> LAYOUTS = Map.of(
      "2", Map.of(
          "airflow/__init__.py", "from airflow._stub import DAG\n",
          "airflow/operators/__init__.py", "",
          "airflow/operators/bash.py", "from airflow._stub import BashOperator\n"),
      "3", Map.of(
          // Airflow 3: DAG from the task SDK, BashOperator from the standard provider; the 2.x paths are gone.
          "airflow/__init__.py", "",
          "airflow/sdk/__init__.py", "from airflow._stub import DAG\n",
          "airflow/providers/__init__.py", "",
          "airflow/providers/standard/__init__.py", "",
          "airflow/providers/standard/operators/__init__.py", "",
          "airflow/providers/standard/operators/bash.py", "from airflow._stub import BashOperator\n"));

  static final String STUB = """
      import inspect

      TASKS = []


      def _caller():
          return inspect.stack()[2].frame.f_globals["__name__"]


      class DAG:
          last = None

          def __init__(self, **kwargs):
              DAG.last = self
              self.kwargs = kwargs

          def __enter__(self):
              return self

          def __exit__(self, *exc):
              return False


      class BashOperator:
          def __init__(self, task_id, bash_command, **kwargs):
              self.task_id, self.bash_command, self.upstream = task_id, bash_command, []
              TASKS.append(self)

          def __rshift__(self, other):
              other.upstream.append(self.task_id)
              return other
      """;

  static final String RENDER = """
      import datetime, importlib.util, json, py_compile, shlex, sys, types
      import jinja2
      py_compile.compile(sys.argv[1], doraise=True)
      sys.modules["pendulum"] = types.SimpleNamespace(datetime=lambda *a, **k: (a, k))
      spec = importlib.util.spec_from_file_location("dag", sys.argv[1])
      module = importlib.util.module_from_spec(spec)
      spec.loader.exec_module(module)
      from airflow import _stub
      version = sys.argv[2]
      env = jinja2.Environment(undefined=jinja2.StrictUndefined)
      if version == "2":
          context = {"run_id": "manual__2026-12-01T00:00:00+00:00",
                     "data_interval_start": datetime.datetime(2026, 12, 1), "dag_run": types.SimpleNamespace()}
      else:
          context = {"run_id": "manual__2026-12-02T09:30:00+00:00", "data_interval_start": None,
                     "dag_run": types.SimpleNamespace(run_after=datetime.datetime(2026, 12, 2, 9, 30))}
      print(json.dumps({
          "modules": sorted(n for n in sys.modules if n.startswith("airflow")),
          "dag_id": _stub.DAG.last.kwargs["dag_id"],
          "tasks": [{"task_id": t.task_id, "upstream": t.upstream,
                     "argv": shlex.split(env.from_string(t.bash_command).render(**context))} for t in _stub.TASKS]}))
      """;

  @ParameterizedTest(name = "Airflow {0}")
  @ValueSource(strings = {"2", "3"})
  void importsCompilesAndRendersUnderEachAirflowVersion(String version) throws Exception {
    String python = AirflowDagHostileTest.pythonWithJinja();
    Assumptions.assumeTrue(python != null, "no python3 with jinja2 here (apt-get install python3-jinja2)");
    var dag = new AirflowDag("millrace_lake", AirflowDagTest.spec(), "/opt/millrace", "/srv/p.yaml", "/srv", "@daily",
        LocalDate.of(2026, 11, 1), false, List.of(), "ingest", "yyyyMMdd", null);
    Path file = dir.resolve("millrace_lake.py");
    Files.writeString(file, dag.python(), StandardCharsets.UTF_8);
    Path root = dir.resolve("airflow" + version);
    for (var e : LAYOUTS.get(version).entrySet()) {
      Files.createDirectories(root.resolve(e.getKey()).getParent());
      Files.writeString(root.resolve(e.getKey()), e.getValue());
    }
    Files.writeString(root.resolve("airflow/_stub.py"), STUB);
    Files.writeString(dir.resolve("render.py"), RENDER);
    var pb = new ProcessBuilder(python, "-W", "error", dir.resolve("render.py").toString(), file.toString(), version)
        .redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", root.toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out + "\n" + dag.python());
    JsonNode r = new ObjectMapper().readTree(out);
    assertEquals("millrace_lake", r.get("dag_id").asText());
    // The modules the DAG file got its names from: each version's own paths.
    assertEquals(version.equals("3"), r.get("modules").toString().contains("\"airflow.sdk\""), out);
    assertEquals(version.equals("3") ? "airflow.providers.standard.operators.bash" : "airflow.operators.bash",
        moduleOf(r, version), out);
    JsonNode argv = r.get("tasks").get(0).get("argv");
    assertEquals("ingest", r.get("tasks").get(0).get("task_id").asText());
    assertEquals("ingest.span=" + (version.equals("3") ? "20261202" : "20261201"), argv.get(argv.size() - 1).asText(),
        out);
  }

  /** Where BashOperator was imported from, from the modules the DAG file loaded. */
  private static String moduleOf(JsonNode r, String version) {
    for (JsonNode m : r.get("modules")) {
      if (m.asText().endsWith(".bash")) {
        return m.asText();
      }
    }
    return "none (version " + version + ")";
  }
}
