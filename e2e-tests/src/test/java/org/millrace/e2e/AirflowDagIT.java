package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.pipelines.cli.MillraceCli;

/**
 * The exported DAG of the penguins pipeline, read by real Python with a stand-in for Airflow's
 * DAG and BashOperator (no Airflow here): its tasks' commands, rendered for one DAG run and run
 * in dependency order as Airflow would, make one complete millrace run.
 */
class AirflowDagIT {
  @TempDir
  Path dir;

  /** Stand-ins for airflow and pendulum that record the tasks, and a script printing them as JSON. */
  static final String AIRFLOW_STUB = """
      import json

      TASKS = []


      class DAG:
          def __init__(self, **kwargs):
              DAG.last = self
              self.kwargs = kwargs

          def __enter__(self):
              return self

          def __exit__(self, *exc):
              return False
      """;
  static final String BASH_STUB = """
      import airflow


      class BashOperator:
          def __init__(self, task_id, bash_command, **kwargs):
              self.task_id = task_id
              self.bash_command = bash_command
              self.upstream = []
              airflow.TASKS.append(self)

          def __rshift__(self, other):
              other.upstream.append(self.task_id)
              return other
      """;
  static final String RENDER = """
      import importlib.util, json, shlex, sys
      import airflow
      spec = importlib.util.spec_from_file_location("dag", sys.argv[1])
      module = importlib.util.module_from_spec(spec)
      spec.loader.exec_module(module)
      run_id = sys.argv[2]
      out = []
      for t in airflow.TASKS:
          cmd = t.bash_command.replace("{{ run_id }}", run_id)
          workdir, rest = cmd.split(" && ", 1)
          out.append({"task_id": t.task_id, "upstream": t.upstream, "argv": shlex.split(rest),
                      "cd": shlex.split(workdir)[1]})
      print(json.dumps({"dag": airflow.DAG.last.kwargs["dag_id"], "schedule": airflow.DAG.last.kwargs["schedule"],
                        "tasks": out}))
      """;

  @Test
  void theExportedDagRunsEveryNodeInOneRun() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3: the DAG file cannot be read here");
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new Cli(dir);
    Cli.Result export = cli.run("airflow", "export", yaml.toString(), "--out", dir.resolve("dags").toString(),
        "--cron", "0 2 * * *", "--millrace", "/opt/millrace/millrace");
    assertEquals(0, export.code(), export.out() + export.err());
    Path dag = dir.resolve("dags/millrace_penguins.py");
    assertEquals("wrote " + dag + " (8 tasks)", export.out().trim());

    Path stub = Files.createDirectories(dir.resolve("stub/airflow/operators"));
    Files.writeString(stub.getParent().resolve("__init__.py"), AIRFLOW_STUB);
    Files.writeString(stub.resolve("__init__.py"), "");
    Files.writeString(stub.resolve("bash.py"), BASH_STUB);
    Files.writeString(dir.resolve("stub/pendulum.py"), "def datetime(*args, **kwargs):\n    return (args, kwargs)\n");
    Files.writeString(dir.resolve("render.py"), RENDER);
    String runId = "scheduled__2026-12-01T02:00:00+00:00";
    var pb = new ProcessBuilder(python.toString(), dir.resolve("render.py").toString(), dag.toString(), runId)
        .redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", dir.resolve("stub").toString());
    Process p = pb.start();
    String json = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), json);
    JsonNode rendered = new ObjectMapper().readTree(json);
    assertEquals("millrace_penguins", rendered.get("dag").asText());
    assertEquals("0 2 * * *", rendered.get("schedule").asText());

    // Airflow's order: a task runs once all its upstream tasks succeeded.
    Set<String> done = new HashSet<>();
    List<JsonNode> tasks = new ArrayList<>();
    rendered.get("tasks").forEach(tasks::add);
    assertEquals(8, tasks.size());
    while (done.size() < tasks.size()) {
      boolean progressed = false;
      for (JsonNode t : tasks) {
        String id = t.get("task_id").asText();
        List<String> ups = new ArrayList<>();
        t.get("upstream").forEach(u -> ups.add(u.asText()));
        if (done.contains(id) || !done.containsAll(ups)) {
          continue;
        }
        List<String> argv = new ArrayList<>();
        t.get("argv").forEach(a -> argv.add(a.asText()));
        assertEquals("/opt/millrace/millrace", argv.get(0));
        assertEquals(List.of("run-node", yaml.toString(), id), argv.subList(1, 4));
        assertEquals(runId, argv.get(argv.size() - 1));
        int code = millrace(argv.subList(1, argv.size()).toArray(String[]::new));
        assertEquals(0, code, "task " + id);
        done.add(id);
        progressed = true;
      }
      assertTrue(progressed, "the DAG's dependencies leave tasks that can never run: " + done);
    }
    Cli.Result show = cli.run("runs", "show", runId);
    assertEquals(0, show.code(), show.err());
    for (String node : List.of("ingest", "statistics", "schema", "validator", "transform", "trainer", "evaluator",
        "pusher")) {
      assertTrue(show.out().lines().anyMatch(l -> l.startsWith(node + " ") && l.contains("COMPLETE")), node + " in\n"
          + show.out());
    }
    assertTrue(Files.isDirectory(dir.resolve("registry/penguins/1")), "the DAG run pushed version 1");

    // A task whose upstream has not run in its DAG run fails, saying which.
    Cli.Result early = cli.run("run-node", yaml.toString(), "trainer", "--run-id", "manual__other");
    assertEquals(2, early.code(), early.err());
    assertTrue(early.err().contains("node 'trainer' of run manual__other expected its upstream nodes [transform] to"
        + " have completed in this run first"), early.err());
  }

  int millrace(String... args) {
    var cl = MillraceCli.commandLine();
    var out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    return cl.execute(args);
  }
}
