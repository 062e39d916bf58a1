package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.pipelines.cli.MillraceCli;
import picocli.CommandLine;

/**
 * The CLI as a user runs it: every {@code ./millrace} command in README.md's and docs/*.md's code
 * blocks, run by the real launcher as a separate process, exactly as printed (placeholders such as
 * {@code <run-id>} substituted), in a workspace with its own {@code .millrace/}; stdout, stderr and
 * the exit code checked. The last test reads the code blocks again and fails for a command no test
 * ran. Servers get {@code --port=0} appended (the machine is shared) and are stopped after a request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliProcessIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String PENGUINS = "pipelines/examples/penguins/pipeline.yaml";

  @TempDir
  static Path tmp;

  private Path ws;
  private MillraceProcess cli;
  /** Commands (as printed in the docs, continuation lines joined) that a test ran. */
  private final Set<String> ran = new LinkedHashSet<>();
  private String runId;

  @BeforeAll
  void workspace() throws Exception {
    ws = MillraceProcess.workspace(tmp.resolve("ws"));
    cli = new MillraceProcess(tmp.resolve("logs")).metadata(null).workingDirectory(ws)
        .env("AIRFLOW_HOME", ws.resolve("airflow").toString());
  }

  @AfterAll
  void cleanUp() {
    // @TempDir deletes the workspace; its links are deleted, not followed.
  }

  /** Runs a command as printed, after substituting {@code placeholders} (pairs: placeholder, value). */
  private MillraceProcess.Result printed(String command, String... placeholders) throws Exception {
    ran.add(command);
    return cli.run(LONG, args(substitute(command, placeholders)));
  }

  private MillraceProcess.Running started(String command, String... placeholders) throws Exception {
    ran.add(command);
    var all = new ArrayList<>(List.of(args(substitute(command, placeholders))));
    all.add("--port=0");
    return cli.start(all.toArray(String[]::new));
  }

  private static String substitute(String command, String... placeholders) {
    String s = command;
    for (int i = 0; i < placeholders.length; i += 2) {
      assertTrue(s.contains(placeholders[i]), "no " + placeholders[i] + " in " + command);
      s = s.replace(placeholders[i], placeholders[i + 1]);
    }
    return s;
  }

  /** The words of a shell command line ("double quotes", env assignments before ./millrace dropped). */
  static String[] args(String line) {
    var words = new ArrayList<String>();
    var cur = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(cur.toString());
        }
        cur.setLength(0);
        any = false;
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(cur.toString());
    }
    int at = words.indexOf("./millrace");
    assertTrue(at >= 0, "not a millrace command: " + line);
    return words.subList(at + 1, words.size()).toArray(String[]::new);
  }

  private static void ok(MillraceProcess.Result r, String... inStdout) {
    assertEquals(0, r.code(), r.toString());
    for (String s : inStdout) {
      assertTrue(r.out().contains(s), "no '" + s + "' in stdout:\n" + r);
    }
  }

  private Path modelDir() throws Exception {
    try (Stream<Path> dirs = Files.list(ws.resolve(".millrace/pipelines/penguins/trainer/model"))) {
      return dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
          .sorted().findFirst().orElseThrow();
    }
  }

  @Test
  @Order(1)
  void theMainJob() throws Exception {
    var r = printed("./millrace run pipelines/examples/penguins/pipeline.yaml");
    ok(r, "pusher", "SUCCEEDED");
    runId = r.runId();
    assertTrue(Files.isDirectory(ws.resolve(".millrace/registry/penguins/1")), r.toString());
    // docs/serving.md shows the same command with another comment.
    ran.add("./millrace run pipelines/examples/penguins/pipeline.yaml");
  }

  @Test
  @Order(2)
  void afterARun() throws Exception {
    // The tables are printed with print(): before the writers flushed every write, these were empty.
    var runs = printed("./millrace runs");
    ok(runs, runId, "SUCCEEDED");
    // The commands that only read run without the Vector API's module, so without the JVM's notice of it.
    assertEquals("", runs.err(), runs.toString());
    ok(printed("./millrace runs show <run-id>", "<run-id>", runId), "run " + runId, "trainer", "pusher");
    ok(printed("./millrace runs explain <run-id> <node>", "<run-id>", runId, "<node>", "trainer"), "trainer");
    Path model = modelDir();
    String id = model.getFileName().toString();
    // The lineage ends at the file the data came from, as the ExampleGen's cache key recorded it.
    ok(printed("./millrace lineage .millrace/pipelines/penguins/trainer/model/<id>", "<id>", id), "Model", "Examples",
        "read 1 file (spans=[0] versions=[0]): ", "penguins.csv (13,828 bytes, modified ");
    var artifacts = printed("./millrace artifacts --type Model");
    ok(artifacts, "Model", model.toString());
    assertEquals("", artifacts.err(), artifacts.toString());
    ok(printed("./millrace models list penguins"), "version", "penguins/trainer/model/" + id);
    // A misspelled name or type is said, with the names there are: not an empty table and exit 0.
    var noModel = cli.run(LONG, "models", "list", "pengiuns");
    assertEquals(2, noModel.code(), noModel.toString());
    assertTrue(noModel.err().contains("model name expected one of [penguins] (the models of .millrace/registry), got"
        + " 'pengiuns'"), noModel.toString());
    var noRollback = cli.run(LONG, "models", "rollback", "pengiuns", "--to", "1", "--reason", "x");
    assertEquals(2, noRollback.code(), noRollback.toString());
    assertTrue(noRollback.err().contains("model name expected one of [penguins] (the models of .millrace/registry),"
        + " got 'pengiuns'"), noRollback.toString());
    var noType = cli.run(LONG, "artifacts", "--type", "Modle");
    assertEquals(2, noType.code(), noType.toString());
    assertTrue(noType.err().contains("--type expected one of [") && noType.err().contains("Model, ModelBlessing")
        && noType.err().contains("got 'Modle'"), noType.toString());
    ok(printed("./millrace models export-onnx <model-dir>", "<model-dir>", model.toString()), "wrote ");
    assertTrue(Files.size(model.resolve("model.onnx")) > 0);
    ok(printed("./millrace models bless <model-id|uri> --reason \"reviewed\"", "<model-id|uri>", model.toString()),
        "blessed by hand", "reviewed");
    // Version 1 is served: serving it "again" is refused, not published as a copy.
    var served = cli.run(LONG, "models", "rollback", "penguins", "--to", "1", "--reason", "again");
    assertEquals(2, served.code(), served.toString());
    assertTrue(served.err().contains("rollback version expected one that is not served now, got 1 for model"
        + " 'penguins': version 1, the newest, is served"), served.toString());
  }

  @Test
  @Order(3)
  void partialRunsResumeRuntimeParametersAndGc() throws Exception {
    var only = printed("./millrace run pipelines/examples/penguins/pipeline.yaml --only trainer");
    ok(only, "trainer");
    var resumed = printed("./millrace resume <run-id>", "<run-id>", runId);
    // The run succeeded: nothing to resume is a usage error naming the run, without a stack trace.
    assertEquals(2, resumed.code(), resumed.toString());
    assertTrue(resumed.err().contains("error: resume expected a run with a failed or unfinished node")
        && resumed.err().contains(runId) && !resumed.err().contains("\tat "), resumed.toString());
    var epochs30 = printed("./millrace run pipelines/examples/penguins/pipeline.yaml --set trainer.epochs=30");
    ok(epochs30, "trainer");
    // README shows runs diff with two run ids: the first run against a later one. Ingest, statistics and schema
    // are the same artifacts (cache hits count as the same); the validator of the later run also read the
    // previous run's statistics as its baseline, so the runs part there, for an input.
    ran.add("./millrace runs diff <run-id> <run-id>");
    // The 30-epoch model was pushed as version 2; rolled back to version 1, which is published again as version 3
    // and traced to the model behind version 1 (the push recorded the registry's absolute path; the example's
    // base_dir is relative).
    ok(epochs30, "pusher      Pusher            COMPLETE");
    var rollback = printed("./millrace models rollback penguins --to 1 --reason \"v2 regressed\"");
    ok(rollback, "version 1 published again as version 3", "v2 regressed");
    ok(printed("./millrace models list penguins"), "v2 regressed");
    var lineage = cli.run(LONG, "lineage", ws.resolve(".millrace/registry/penguins/3").toString());
    ok(lineage, "<- written as 'pushed_model' by ManualRollback execution #", "COMPLETE (by ", ": v2 regressed)",
        "<- written as 'pushed_model' by Pusher node 'pusher'", "Model #", "read 1 file");
    var again = cli.run(LONG, "models", "rollback", "penguins", "--to", "1", "--reason", "again");
    assertEquals(2, again.code(), again.toString());
    assertTrue(again.err().contains("version 3, the same files, is served"), again.toString());
    var diff = cli.run(LONG, "runs", "diff", runId, epochs30.runId());
    assertEquals(1, diff.code(), diff.toString());
    assertTrue(diff.out().contains("same     ingest") && diff.out().contains("PARTED   validator.anomalies")
        && diff.out().contains("why: input"), diff.toString());
    // And further on, the trainer for its parameter: every node that parts is named, not the first only.
    assertTrue(diff.out().contains("PARTED   trainer.") && diff.out().contains("why: parameter")
        && diff.out().contains("why: parameter: 'epochs' changed: 40 -> 30"), diff.toString());
    // Every output of a node that parts, not its first only: the evaluator's blessing beside its evaluation.
    assertTrue(diff.out().contains("PARTED   evaluator.evaluation: ") && diff.out().contains("\n         evaluator.blessing: "),
        diff.toString());
    // The same configuration again without the cache: everything is computed anew from equal inputs, and
    // nothing parts for nondeterminism (the validator's file named its baseline's path, so it parted there).
    var fresh = cli.run(LONG, "run", "pipelines/examples/penguins/pipeline.yaml", "--set", "trainer.epochs=30",
        "--no-cache");
    ok(fresh, "trainer");
    var anew = cli.run(LONG, "runs", "diff", epochs30.runId(), fresh.runId());
    assertTrue(anew.out().contains("same     validator") && anew.out().contains("same     trainer")
        && !anew.out().contains("nondeterminism"), anew.toString());
    var same = cli.run(LONG, "runs", "diff", runId, runId);
    ok(same, "produced the same artifacts");
    ok(printed("./millrace gc pipelines/examples/penguins/pipeline.yaml --keep-runs 3"), "gc penguins");
  }

  @Test
  @Order(4)
  void backfill() throws Exception {
    // docs/scheduling.md first, without --set: the drifted spans may fail validation (exit 1).
    var docs = printed("./millrace backfill pipelines/examples/seattle-weather/pipeline.yaml --spans 2012..2015");
    assertTrue(docs.code() == 0 || docs.code() == 1, docs.toString());
    assertTrue(docs.out().contains("2012"), docs.toString());
    ok(printed("./millrace backfill pipelines/examples/seattle-weather/pipeline.yaml --spans 2012..2015"
        + " --set validator.fail_on_anomalies=false"), "2012", "2015");
    // A daily lake for docs/scheduling.md's --dates example: 30 spans, one small ExampleGen run each.
    for (int day = 1; day <= 30; day++) {
      Path span = Files.createDirectories(ws.resolve(String.format("lake/span-202611%02d", day)));
      Files.writeString(span.resolve("data.csv"), "day,x\n" + day + ",1.5\n" + day + ",2.5\n");
    }
    Files.writeString(ws.resolve("daily.yaml"), """
        pipeline: daily
        pipeline_root: .millrace/pipelines/daily
        nodes:
          ingest:
            component: ExampleGen
            parameters:
              input: lake/span-{SPAN}/data.csv
        """);
    var dates = printed("./millrace backfill PIPELINE --dates 2026-11-01..2026-11-30 --span-format yyyyMMdd",
        "PIPELINE", "daily.yaml");
    ok(dates, "20261101", "20261130");
  }

  @Test
  @Order(5)
  void schedulers() throws Exception {
    for (String[] c : List.of(
        new String[] {"./millrace schedule <pipeline.yaml> --cron \"0 2 * * *\" --catch-up", "<pipeline.yaml>", PENGUINS},
        new String[] {"./millrace schedule PIPELINE --cron \"0 2 * * *\" --zone Europe/Berlin --span-format yyyyMMdd"
            + " --catch-up", "PIPELINE", "pipelines/examples/seattle-weather/pipeline.yaml"})) {
      ran.add(c[0]);
      try (var s = cli.start(args(substitute(c[0], c[1], c[2])))) {
        s.awaitOutput("schedule ", LONG);
        assertTrue(s.isAlive(), s.out() + s.err());
        s.terminate(Duration.ofSeconds(30));
      }
    }
    // February 30th never comes: a usage error, not a schedule that waits forever with exit 0 at the end.
    var never = cli.run(LONG, "schedule", PENGUINS, "--cron", "0 2 30 2 *", "--max-runs", "1");
    assertEquals(2, never.code(), never.toString());
    assertTrue(never.err().contains("--cron expected an expression with a fire time, got '0 2 30 2 *'"), never.toString());
  }

  @Test
  @Order(6)
  void airflow() throws Exception {
    ok(printed("./millrace airflow export <pipeline.yaml> --out dags/ --cron \"0 2 * * *\"", "<pipeline.yaml>", PENGUINS),
        "dags");
    try (Stream<Path> dags = Files.list(ws.resolve("dags"))) {
      assertTrue(dags.anyMatch(p -> p.toString().endsWith(".py")));
    }
    Files.createDirectories(ws.resolve("airflow"));
    var docs = printed("./millrace airflow export pipelines/examples/penguins/pipeline.yaml --out $AIRFLOW_HOME/dags"
        + " --cron \"0 2 * * *\" --span-format yyyyMMdd --millrace /opt/millrace/millrace --workdir /srv/lake",
        "$AIRFLOW_HOME", ws.resolve("airflow").toString());
    ok(docs);
    try (Stream<Path> dags = Files.list(ws.resolve("airflow/dags"))) {
      assertTrue(dags.anyMatch(p -> p.toString().endsWith(".py")), docs.toString());
    }
    // No Airflow here: the host 'airflow' does not resolve, which is an infrastructure error (exit 3).
    for (String trigger : List.of(
        "./millrace airflow trigger millrace_penguins --url http://airflow:8080 --user admin --wait",
        "AIRFLOW_PASSWORD=... ./millrace airflow trigger millrace_penguins --url http://airflow:8080"
            + " --user admin --unpause --conf span=20261130 --wait")) {
      var r = printed(trigger);
      assertEquals(3, r.code(), r.toString());
      assertTrue(r.err().contains("error: ") && r.err().contains("airflow"), r.toString());
    }
    var refused = cli.run(LONG, "airflow", "trigger", "millrace_penguins", "--url", "http://127.0.0.1:1/api/v1");
    assertEquals(3, refused.code(), refused.toString());
    assertTrue(refused.err().contains("127.0.0.1:1"), refused.toString());
  }

  /** Waits until the process's stdout matches {@code p}. */
  private static Matcher awaitStdout(MillraceProcess.Running r, Pattern p) throws Exception {
    long end = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < end) {
      Matcher m = p.matcher(r.out());
      if (m.find()) {
        return m;
      }
      assertTrue(r.isAlive(), "exited before printing " + p + "\n" + r.out() + r.err());
      Thread.sleep(50);
    }
    throw new AssertionError("no " + p + " on stdout within " + LONG + "\n" + r.out() + r.err());
  }

  @Test
  @Order(7)
  void servers() throws Exception {
    var http = HttpClient.newHttpClient();
    try (var ui = started("./millrace ui")) {
      Matcher m = awaitStdout(ui, Pattern.compile("millrace ui on http://[^/]+:(\\d+)/"));
      var page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("penguins"), page.body());
      ui.terminate(Duration.ofSeconds(30));
    }
    for (String serve : List.of("./millrace serve")) {
      try (var s = started(serve)) {
        // The log line on stderr says "serving ... on http://" too: wait for the one on stdout.
        Matcher m = awaitStdout(s, Pattern.compile("^serving .* on http://[^:]+:(\\d+)", Pattern.MULTILINE));
        var status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1)
            + "/v1/models/penguins")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("AVAILABLE"), status.body());
        // A row with no feature is refused (it was answered with the training means filled in).
        var empty = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1)
            + "/v1/models/penguins:predict")).POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [{}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, empty.statusCode(), empty.body());
        assertTrue(empty.body().contains("instances[0] expected at least one feature of ["), empty.body());
        // A second server on the same port: one line naming the address and exit 3 (an environment
        // error, as an unreachable metadata store); it was a BindException's stack trace without the port.
        var taken = cli.run(LONG, "serve", "--port", m.group(1));
        assertEquals(3, taken.code(), taken.toString());
        assertTrue(taken.err().contains("error: cannot listen on 127.0.0.1:" + m.group(1) + ": Address already in use"),
            taken.toString());
        assertTrue(!taken.err().contains("BindException") && !taken.err().contains("\tat "), taken.toString());
        // A --host that names no address: one line naming it, exit 3 (it was a SocketException's
        // stack trace, "Unresolved address", without the name).
        var unresolved = cli.run(LONG, "serve", "--host", "no-such-host.invalid", "--port", "0");
        assertEquals(3, unresolved.code(), unresolved.toString());
        assertTrue(unresolved.err().contains("error: cannot listen on no-such-host.invalid:0: the name"
            + " 'no-such-host.invalid' resolves to no address"), unresolved.toString());
        assertTrue(!unresolved.err().contains("\tat "), unresolved.toString());
        s.terminate(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  @Order(8)
  void helpForEveryCommandAndTheVersion() throws Exception {
    var version = cli.run(LONG, "--version");
    ok(version, "millrace 0.1.0");
    // Nothing of the JVM's on stdout before it (the launcher's JIT directive echoes itself there
    // unless CompileCommand=quiet comes first).
    assertTrue(version.out().startsWith("millrace 0.1.0"), version.toString());
    assertEquals("", version.err(), version.toString());
    var names = new ArrayList<List<String>>();
    collect(MillraceCli.commandLine(), new ArrayList<>(), names);
    assertTrue(names.size() > 20, names.toString());
    for (List<String> command : names) {
      var all = new ArrayList<>(command);
      all.add("--help");
      var r = cli.run(LONG, all.toArray(String[]::new));
      ok(r, "Usage: millrace " + String.join(" ", command));
      assertTrue(r.out().contains("-h, --help"), r.toString());
      assertEquals("", quiet(r.err()), r.toString());
    }
  }

  /** Stderr without the JVM's own notice that the launcher enables the Vector API incubator module. */
  private static String quiet(String err) {
    return err.replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      var p = new ArrayList<>(path);
      p.add(e.getKey());
      out.add(p);
      collect(e.getValue(), p, out);
    }
  }

  @Test
  @Order(9)
  void usageErrors() throws Exception {
    var wrapped = cli.run(LONG, "models", "rollback", "penguins", "--to", "4294967297", "--reason", "test");
    assertEquals(2, wrapped.code(), wrapped.toString());
    assertTrue(wrapped.err().contains("'--to'") && wrapped.err().contains("[1, 2147483647]")
        && wrapped.err().contains("4294967297"), wrapped.toString());
    assertTrue(!printed("./millrace models list penguins").out().contains("4294967297"));
    for (String[] bad : List.of(
        new String[] {"gc", PENGUINS, "--keep-runs", "0"},
        new String[] {"serve", "--port", "70000"},
        new String[] {"ui", "--port", "-1"},
        new String[] {"run", PENGUINS, "--parallelism", "0"},
        new String[] {"artifacts", "--limit", "2147483648"})) {
      var r = cli.run(LONG, bad);
      assertEquals(2, r.code(), r.toString());
      assertTrue(r.err().contains("'" + bad[bad.length - 2] + "'") && r.err().contains("expected"), r.toString());
    }
    // A fraction for an integer parameter is refused, not cut to an integer; a value given with --set
    // is blamed on the option, not on the file's line it replaced.
    var fraction = cli.run(LONG, "run", PENGUINS, "--set", "trainer.epochs=2.9");
    assertEquals(2, fraction.code(), fraction.toString());
    assertTrue(fraction.err().contains("--set trainer.epochs=2.9: node 'trainer' parameter 'epochs': expected an integer,"
        + " got '2.9'"), fraction.toString());
    assertTrue(!fraction.err().contains("pipeline.yaml:"), fraction.toString());
    // A threshold on a metric no task computes is refused before anything runs, at its line in the file
    // (it was a failed check after training, and the run SUCCEEDED without a blessing).
    Path typo = Files.writeString(tmp.resolve("metric-typo.yaml"), Files.readString(ws.resolve(PENGUINS))
        .replace("{metric: accuracy, lower: 0.9}", "{metric: acuracy, lower: 0.9}"));
    var metric = cli.run(LONG, "run", typo.toString());
    assertEquals(2, metric.code(), metric.toString());
    assertTrue(metric.err().contains(typo + ":59:") && metric.err().contains("node 'evaluator' parameter"
        + " 'thresholds[0].metric': threshold metric expected one of [accuracy,") && metric.err().contains(
        "got 'acuracy'"), metric.toString());
    assertTrue(!metric.out().contains("node ingest"), "nothing ran: " + metric);
    // A misspelled node for --only is named with the option, before the run starts.
    var only = cli.run(LONG, "run", PENGUINS, "--only", "trainr");
    assertEquals(2, only.code(), only.toString());
    assertTrue(only.err().contains("--only expected a node of pipeline 'penguins' [") && only.err().contains(
        "got 'trainr'") && !only.out().contains("running pipeline"), only.toString());
    // Spans for a pipeline whose input has no {SPAN}: said before any run (it was a failed run per span).
    var noSpan = cli.run(LONG, "backfill", PENGUINS, "--spans", "1..2");
    assertEquals(2, noSpan.code(), noSpan.toString());
    assertTrue(noSpan.err().contains("node 'ingest' expected an input pattern with {SPAN} or {YYYY}{MM}{DD} for spans"
        + " to choose its files, got [examples/data/penguins/penguins.csv]"), noSpan.toString());
    assertTrue(!noSpan.out().contains("running pipeline"), noSpan.toString());
    // A mistyped store for a command that only reads is refused, not made empty (it printed no runs, exit 0).
    Path typoStore = tmp.resolve("nodir/sub/m.db");
    for (String[] read : List.of(new String[] {"runs"}, new String[] {"artifacts"}, new String[] {"lineage", "1"})) {
      var args = new ArrayList<String>(List.of("--metadata", typoStore.toString()));
      args.addAll(List.of(read));
      var r = cli.run(LONG, args.toArray(String[]::new));
      assertEquals(2, r.code(), r.toString());
      assertEquals("error: --metadata expected an existing metadata store, got " + typoStore + ": no such file",
          r.err().strip(), r.toString());
    }
    assertTrue(!Files.exists(tmp.resolve("nodir")), "a command that only reads made the store's folders");
    // A near miss of a parameter's name is pointed out.
    var near = cli.run(LONG, "run", PENGUINS, "--set", "ingest.split_ratio={train: 2, eval: 1}");
    assertEquals(2, near.code(), near.toString());
    assertTrue(near.err().contains("got an unknown parameter (did you mean 'split_ratios'?)"), near.toString());
  }

  @Test
  @Order(10)
  void recursiveAndExplodingAliases() throws Exception {
    Path recursive = Files.writeString(tmp.resolve("recursive.yaml"), """
        pipeline: recursive
        nodes:
          ingest:
            component: ExampleGen
            parameters: &p {input: x.csv, extra: *p}
        """);
    var r = cli.run(LONG, "run", recursive.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("recursive.yaml:5:") && r.err().contains("recursive alias"), r.toString());
    assertTrue(!r.err().contains("StackOverflowError"), r.toString());

    var bomb = new StringBuilder("pipeline: laughs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
      bomb.append("l").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 5; j++) {
        bomb.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      bomb.append("]\n");
    }
    bomb.append("nodes:\n  ingest:\n    component: ExampleGen\n    parameters: {input: *l9}\n");
    Path laughs = Files.writeString(tmp.resolve("laughs.yaml"), bomb.toString());
    var b = cli.run(LONG, "run", laughs.toString());
    assertEquals(2, b.code(), b.toString());
    assertTrue(b.err().contains("laughs.yaml") && b.err().contains("once aliases are expanded"), b.toString());
  }

  /** The strongest form of the claim: no command in the docs' code blocks escapes the tests above. */
  @Test
  @Order(11)
  void initThenRun() throws Exception {
    // docs/pipelines.md: a pipeline for a data file, run as written (InitIT does the other data sets).
    ok(printed("./millrace init examples/data/iris/iris.csv --label species"), "wrote iris-pipeline.yaml");
    ok(printed("./millrace run iris-pipeline.yaml"), "BLESSED (evaluator): all checks passed");
  }

  /** Documented commands that need more than this test sets up, and the test that runs them as printed. */
  static final java.util.Map<String, String> COVERED_ELSEWHERE = java.util.Map.of(
      "./millrace run pipeline.yaml", "SparkClusterIT (docs/spark-cluster.md: on a Spark standalone master and workers)");

  @Test
  @Order(100)
  void everyDocumentedCommandRan() throws Exception {
    Path repo = MillraceProcess.repositoryRoot();
    var documented = new LinkedHashSet<String>(documentedCommands(repo.resolve("README.md")));
    try (Stream<Path> docs = Files.list(repo.resolve("docs"))) {
      for (Path d : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        documented.addAll(documentedCommands(d));
      }
    }
    assertTrue(documented.size() > 20, documented.toString());
    var missing = new ArrayList<String>();
    for (String c : documented) {
      if (!ran.contains(c) && !COVERED_ELSEWHERE.containsKey(c)) {
        missing.add(c);
      }
    }
    assertEquals(List.of(), missing, "documented commands no test ran (ran: " + ran + ")");
  }

  /** The {@code ./millrace} commands in a Markdown file's code blocks: continuations joined, comments cut. */
  static List<String> documentedCommands(Path markdown) throws Exception {
    var out = new ArrayList<String>();
    boolean inBlock = false;
    String pending = null;
    for (String line : Files.readAllLines(markdown)) {
      if (line.startsWith("```")) {
        inBlock = !inBlock;
        continue;
      }
      if (!inBlock) {
        continue;
      }
      String text = line.replaceFirst("\\s+#\\s.*$", "").strip();
      if (pending != null) {
        text = pending + " " + text;
        pending = null;
      } else if (!text.contains("./millrace ")) {
        continue;
      }
      if (text.endsWith("\\")) {
        pending = text.substring(0, text.length() - 1).strip();
        continue;
      }
      out.add(text.replaceAll("\\s+", " "));
    }
    return out;
  }
}
