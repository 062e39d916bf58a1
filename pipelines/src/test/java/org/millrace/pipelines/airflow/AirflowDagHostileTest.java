package org.millrace.pipelines.airflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported DAG fed hostile values (quotes, triple quotes, newlines, backslashes, Jinja
 * markup, shell substitutions, a password in the metadata URL), read by real Python and its
 * commands rendered by real Jinja as Airflow renders {@code bash_command}: every task's argv
 * holds the values unchanged, and no password is in the file.
 */
class AirflowDagHostileTest {
  @TempDir
  Path dir;

  static final String RENDER = """
      import datetime, importlib.util, json, shlex, sys, types
      import jinja2
      tasks = []
      airflow = types.ModuleType("airflow")
      class DAG:
          def __init__(self, **kwargs):
              self.kwargs = kwargs
          def __enter__(self):
              return self
          def __exit__(self, *exc):
              return False
      airflow.DAG = DAG
      operators = types.ModuleType("airflow.operators")
      bash = types.ModuleType("airflow.operators.bash")
      class BashOperator:
          def __init__(self, task_id, bash_command, **kwargs):
              self.task_id, self.bash_command = task_id, bash_command
              tasks.append(self)
          def __rshift__(self, other):
              return other
      bash.BashOperator = BashOperator
      pendulum = types.ModuleType("pendulum")
      pendulum.datetime = lambda *a, **k: (a, k)
      sys.modules.update({"airflow": airflow, "airflow.operators": operators, "airflow.operators.bash": bash,
                          "pendulum": pendulum})
      spec = importlib.util.spec_from_file_location("dag", sys.argv[1])
      module = importlib.util.module_from_spec(spec)
      spec.loader.exec_module(module)
      out = []
      for t in tasks:
          rendered = jinja2.Template(t.bash_command).render(
              run_id=sys.argv[2], data_interval_start=datetime.datetime(2026, 12, 1))
          out.append({"task_id": t.task_id, "argv": shlex.split(rendered)})
      print(json.dumps(out))
      """;

  @Test
  void hostileValuesArriveUnchangedAndNoPasswordIsWritten() throws Exception {
    String python = pythonWithJinja();
    Assumptions.assumeTrue(python != null, "no python3 with jinja2 here (apt-get install python3-jinja2): the"
        + " DAG's commands cannot be rendered as Airflow renders them");

    String millrace = "/opt/mill race/it's \"m\"";
    String pipeline = "/srv/p\"\"\"q'''\n{{ 7 * 7 }}\\x.yaml";
    String workdir = "/srv/w {% raw %}$(touch pwned) `id`; {# c #}\\";
    List<String> sets = List.of("trainer.note={{ run_id }} '\"\"\" \n\\\\ ${HOME} {%- if 1 %}", "a.b=\r\t\u2028ünï}}");
    String metadata = "jdbc:postgresql://db/m?user=u&password=s3cr3t{{x}}&ssl=true";
    var dag = new AirflowDag("hostile", AirflowDagTest.spec(), millrace, pipeline, workdir, null,
        LocalDate.of(2026, 1, 1), false, sets, "ingest", "yyyyMMdd", metadata);
    String py = dag.python();
    assertFalse(py.contains("s3cr3t"), py);
    Path file = dir.resolve("hostile.py");
    Files.writeString(file, py, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("render.py"), RENDER);

    String runId = "manual__2026-12-01T00:00:00+00:00";
    var pb = new ProcessBuilder(python, dir.resolve("render.py").toString(), file.toString(), runId)
        .redirectErrorStream(true).directory(dir.toFile());
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    Process p = pb.start();
    String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), json + "\n" + py);
    JsonNode tasks = new ObjectMapper().readTree(json);
    assertEquals(1, tasks.size(), json);
    List<String> argv = new ArrayList<>();
    tasks.get(0).get("argv").forEach(a -> argv.add(a.asText()));
    List<String> expected = new ArrayList<>(List.of("cd", workdir, "&&", millrace, "run-node", pipeline, "ingest",
        "--metadata=jdbc:postgresql://db/m?user=u&ssl=true"));
    for (String s : sets) {
      expected.add("--set");
      expected.add(s);
    }
    expected.addAll(List.of("--run-id", runId, "--set", "ingest.span=20261201"));
    assertEquals(expected, argv, py);
    assertFalse(Files.exists(dir.resolve("pwned")), "a value ran as a shell command");
  }

  /** The first python3 (on the PATH, then /usr/bin) that has jinja2, or null. */
  static String pythonWithJinja() throws InterruptedException {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      try {
        Process probe = new ProcessBuilder(python, "-c", "import jinja2").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        if (probe.waitFor() == 0) {
          return python;
        }
      } catch (java.io.IOException e) {
        // not there: try the next
      }
    }
    return null;
  }

  @Test
  void passwordsLeaveTheMetadataUrl() {
    assertEquals("jdbc:postgresql://db/m?user=u&ssl=true",
        AirflowDag.withoutPassword("jdbc:postgresql://db/m?user=u&password=x&ssl=true"));
    assertEquals("jdbc:postgresql://db/m?user=u", AirflowDag.withoutPassword("jdbc:postgresql://db/m?user=u&PASSWORD=x"));
    assertEquals("jdbc:postgresql://db/m", AirflowDag.withoutPassword("jdbc:postgresql://db/m?password=x"));
    assertEquals("jdbc:postgresql://u@db/m", AirflowDag.withoutPassword("jdbc:postgresql://u:p@ss@db/m"));
    assertEquals("/srv/metadata.sqlite", AirflowDag.withoutPassword("/srv/metadata.sqlite"));
  }
}
