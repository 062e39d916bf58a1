package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.pipelines.cli.InProcess.Out;

/** The CLI end to end on the test components, through the same entry point as ./millrace. */
class MillraceCliTest {
  @TempDir
  Path dir;

  Out run(String... args) {
    return InProcess.run(dir.resolve("md.db"), args);
  }

  Path pipeline(String value) throws Exception {
    return Files.writeString(dir.resolve("p.yaml"), """
        pipeline: cli
        pipeline_root: %s
        nodes:
          p: {component: Produce, parameters: {value: "%s"}}
          c: {component: Consume, inputs: {data: p.data}}
        """.formatted(dir.resolve("root"), value));
  }

  /**
   * main builds only the subcommand the arguments name (picocli builds each command's model by
   * reflection), none for the version alone, and all of them for the usage or an unknown name.
   */
  @Test
  void theCommandLineHoldsOnlyTheCommandTheArgumentsName() {
    java.util.function.Function<String[], java.util.Set<String>> built =
        args -> MillraceCli.commandLine(args).getSubcommands().keySet();
    assertEquals(java.util.Set.of("artifacts"), built.apply(new String[] {"--metadata", "runs", "artifacts"}));
    assertEquals(java.util.Set.of("runs"), built.apply(new String[] {"-v", "--log-format=json", "runs", "show", "x"}));
    assertEquals(java.util.Set.of("run"), built.apply(new String[] {"--log-format", "json", "run", "p.yaml"}));
    assertEquals(java.util.Set.of(), built.apply(new String[] {"--version"}));
    assertEquals(MillraceCli.COMMANDS.keySet(), built.apply(new String[] {"--version", "--help"}));
    assertEquals(MillraceCli.COMMANDS.keySet(), built.apply(new String[] {}));
    assertEquals(MillraceCli.COMMANDS.keySet(), built.apply(new String[] {"nosuch"}));
    assertEquals(MillraceCli.COMMANDS.keySet(), MillraceCli.commandLine().getSubcommands().keySet());
    assertEquals(java.util.List.of("run", "resume", "runs", "lineage", "artifacts", "models", "serve", "schedule",
        "backfill", "run-node", "airflow", "gc", "ui", "init"), java.util.List.copyOf(MillraceCli.COMMANDS.keySet()));
    // A command built alone parses and runs as with all of them: its inherited options included.
    // (A store that does not exist is refused by a command that only reads, naming it: it reached it.)
    Out out = InProcess.run("--metadata", dir.resolve("other.db").toString(), "artifacts");
    assertEquals(2, out.code(), out.err());
    assertEquals("error: --metadata expected an existing metadata store, got " + dir.resolve("other.db")
        + ": no such file", out.err().strip());
    assertTrue(!Files.exists(dir.resolve("other.db")), "a command that only reads made the store");
  }

  @Test
  void runRunsShowExplainLineageAndArtifacts() throws Exception {
    Out first = run("run", pipeline("a").toString());
    assertEquals(0, first.code(), first.err() + first.out());
    assertTrue(first.out().contains("SUCCEEDED"), first.out());
    String runId = first.out().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1]
        .replace(":", "");

    Out second = run("run", pipeline("b").toString());
    String run2 = second.out().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1]
        .replace(":", "");
    Out explain = run("runs", "explain", run2, "p");
    assertEquals(0, explain.code(), explain.err());
    assertTrue(explain.out().contains("parameter 'value' changed: a -> b"), explain.out());

    Out runs = run("runs");
    assertTrue(runs.out().contains(runId) && runs.out().contains(run2) && runs.out().contains("SUCCEEDED"), runs.out());
    Out show = run("runs", "show", runId);
    assertTrue(show.out().lines().filter(l -> l.contains(" COMPLETE ")).count() == 2 && show.out().contains("fingerprints:")
        && show.out().contains("p.data ") && show.out().contains("c.result "), show.out());

    String modelUri = second.out().lines().filter(l -> l.startsWith("c ")).findFirst().orElseThrow()
        .replaceAll(".*\\s(/\\S+)$", "$1");
    Out lineage = run("lineage", modelUri);
    assertEquals(0, lineage.code(), lineage.err());
    assertTrue(lineage.out().startsWith("Model #"), lineage.out());
    assertTrue(lineage.out().contains("<- written as 'result' by Consume node 'c'"), lineage.out());
    assertTrue(lineage.out().contains("<- written as 'data' by Produce node 'p'"), lineage.out());

    Out artifacts = run("artifacts", "--type", "Model", "--pipeline", "cli");
    assertEquals(4, artifacts.out().lines().count(), artifacts.out()); // header, rule, one model per run

    // A custom component's type is not among millrace's, but in the store it is a type to list.
    try (var store = org.millrace.metadata.MetadataStores.sqlite(dir.resolve("md.db"))) {
      store.putType(org.millrace.metadata.StoreType.artifact("FeatureSnapshot", java.util.Map.of()));
      store.putArtifact(org.millrace.metadata.Artifact.create("FeatureSnapshot", "file:/snapshots/1",
          org.millrace.metadata.ArtifactState.LIVE, java.util.Map.of(), java.util.Map.of()));
    }
    Out custom = run("artifacts", "--type", "FeatureSnapshot");
    assertEquals(0, custom.code(), custom.err());
    assertTrue(custom.out().contains("FeatureSnapshot") && custom.out().contains("file:/snapshots/1"), custom.out());
    Out misspelled = run("artifacts", "--type", "FeatureSnapshots");
    assertEquals(2, misspelled.code(), misspelled.out());
    assertTrue(misspelled.err().contains("or a type of this store's artifacts, got 'FeatureSnapshots'"), misspelled.err());
  }

  @Test
  void exitCodesTellScriptsWhatHappened() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "pipeline: x\nnodes:\n  a: {component: Nope}\n");
    Out bad = run("run", dir.resolve("bad.yaml").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("bad.yaml:3:18: node 'a' component: expected one of"), bad.err());

    Path marker = Files.writeString(dir.resolve("marker"), "x");
    Files.writeString(dir.resolve("fail.yaml"), """
        pipeline: failing
        pipeline_root: %s
        nodes:
          p: {component: Produce, parameters: {value: v}}
          f: {component: Flaky, inputs: {data: p.data}, parameters: {marker: "%s"}}
        """.formatted(dir.resolve("root"), marker));
    Out failed = run("run", dir.resolve("fail.yaml").toString());
    assertEquals(1, failed.code(), failed.out());
    assertTrue(failed.out().contains("resume with: millrace resume failing-"), failed.out());
    String runId = failed.out().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1]
        .replace(":", "");
    Files.delete(marker);
    assertEquals(0, run("resume", runId).code());
    // Resumed, the run succeeded: there is nothing to resume, and still nothing once gc collected its
    // files (resuming would rebuild and push its old configuration as a new version).
    Out again = run("resume", runId);
    assertEquals(2, again.code(), again.out());
    assertTrue(again.err().contains("got run '" + runId + "': every node complete"), again.err());
    Path pData = Path.of(failed.out().lines().filter(l -> l.startsWith("p ")).findFirst().orElseThrow()
        .replaceAll(".*\\s(/\\S+)$", "$1"));
    org.millrace.pipelines.launch.NodeLauncher.deleteTree(pData);
    Out collected = run("resume", runId);
    assertEquals(2, collected.code(), collected.out());
    assertTrue(collected.err().contains("every node complete (the files of [p] were collected since; 'millrace run'"
        + " the pipeline to make them again)"), collected.err());

    Out unknownRun = run("runs", "show", "nope");
    assertEquals(2, unknownRun.code());
    assertEquals("error: run id expected an existing run (see 'millrace runs'), got 'nope'", unknownRun.err().trim());

    var cl = MillraceCli.commandLine();
    var err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("runs", "--metadata=jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
    assertEquals(3, code, err.toString());
    assertTrue(err.toString().startsWith("error: cannot open metadata store jdbc:postgresql://127.0.0.1:1/none"), err.toString());
  }

  @Test
  void serveRefusesAMissingRegistryAndAnUnknownVersionPolicy() {
    Out missing = run("serve", "--registry", dir.resolve("nowhere").toString(), "--port", "0");
    assertEquals(MillraceCli.USAGE, missing.code());
    assertEquals("error: --registry expected a directory (the Pusher's base_dir), got " + dir.resolve("nowhere")
        + ": it does not exist", missing.err().trim());
    Out policy = run("serve", "--registry", dir.toString(), "--versions", "newest");
    assertEquals(MillraceCli.USAGE, policy.code());
    assertEquals("error: --versions expected latest or all, got 'newest'", policy.err().trim());
  }

  /**
   * A port already in use is the environment's state (exit 3, as an unreachable metadata store),
   * said in one line naming the address: it was a BindException's stack trace that named no port.
   */
  @Test
  void serveOnAPortInUseSaysWhichInOneLine() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Out serve = run("serve", "--registry", dir.toString(), "--port", Integer.toString(port));
      assertEquals(MillraceCli.INFRASTRUCTURE, serve.code(), serve.err());
      assertEquals("error: cannot listen on 127.0.0.1:" + port + ": Address already in use (another process listens"
          + " on that port: stop it, or choose another --port)", serve.err().lines().findFirst().orElseThrow(),
          serve.err());
      assertTrue(serve.err().lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), serve.err());
    }
  }

  @Test
  void exportOnnxWritesAModelDirectorysNetworkOrSaysWhatIsMissing() throws Exception {
    Path model = Path.of("../components/trainer/src/test/resources/golden-model");
    Path file = dir.resolve("golden.onnx");
    Out ok = run("models", "export-onnx", model.toString(), "--out", file.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals("wrote " + file, ok.out().trim());
    assertTrue(Files.size(file) > 100);
    Out bad = run("models", "export-onnx", dir.toString());
    assertEquals(MillraceCli.USAGE, bad.code());
    assertEquals("error: export-onnx expected a model directory with model.json, got " + dir, bad.err().trim());
  }

  @Test
  void setOverridesAParameterForOneRunAndNamesWhatIsWrong() throws Exception {
    Path yaml = pipeline("a");
    assertEquals(0, run("run", yaml.toString()).code());
    Out set = run("run", yaml.toString(), "--set", "p.value=b");
    assertEquals(0, set.code(), set.err() + set.out());
    assertTrue(set.out().contains("with [p.value=b]"), set.out());
    String run2 = set.out().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1]
        .replace(":", "");
    assertTrue(run("runs", "explain", run2, "p").out().contains("parameter 'value' changed: a -> b"));
    Out node = run("run", yaml.toString(), "--set", "q.value=b");
    assertEquals(MillraceCli.USAGE, node.code());
    assertEquals("error: --set q.value expected a node of pipeline 'cli' [p, c], got 'q'", node.err().trim());
    Out form = run("run", yaml.toString(), "--set", "value=b");
    assertEquals("error: --set expected NODE.PARAMETER=VALUE, got 'value=b'", form.err().trim());
    Out unknown = run("run", yaml.toString(), "--set", "p.colour=red");
    assertEquals(MillraceCli.USAGE, unknown.code());
    assertTrue(unknown.err().contains("colour"), unknown.err());
  }

  @Test
  void scheduleCatchesUpMissedFiresAndRecordsThem() throws Exception {
    Path yaml = pipeline("a");
    String start = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).atStartOfDay().toString();
    Out out = run("schedule", yaml.toString(), "--cron", "@daily", "--start", start, "--catch-up", "--max-runs", "2");
    assertEquals(0, out.code(), out.err() + out.out());
    assertEquals(2, out.out().lines().filter(l -> l.startsWith("schedule cli @ 0 0 * * * Z: fire ")
        && l.endsWith(" succeeded")).count(), out.out());
    Out bad = run("schedule", yaml.toString(), "--cron", "0 25 * * *");
    assertEquals(MillraceCli.USAGE, bad.code());
    assertEquals("error: cron field 2 (hour) expected 0-23, got '25'", bad.err().trim());
    Out zone = run("schedule", yaml.toString(), "--cron", "@daily", "--zone", "Mars/Olympus");
    assertEquals("error: --zone expected a time zone such as UTC or Europe/Berlin, got 'Mars/Olympus'",
        zone.err().trim());
    Out spans = run("backfill", yaml.toString(), "--spans", "3..1");
    assertEquals("error: --spans expected FIRST..LAST, whole numbers >= 0 with FIRST <= LAST and at most 100,001"
        + " spans, got '3..1'", spans.err().trim());
    Out ignored = run("backfill", yaml.toString(), "--spans", "1..2", "--span-format", "yyyy");
    assertEquals(MillraceCli.USAGE, ignored.code(), ignored.err());
    assertEquals("error: --span-format expected with --dates only, got it with --spans", ignored.err().trim());
    Out never = run("schedule", yaml.toString(), "--cron", "0 2 30 2 *", "--max-runs", "1");
    assertEquals(MillraceCli.USAGE, never.code(), never.err());
    assertEquals("error: --cron expected an expression with a fire time, got '0 2 30 2 *', which has none within eight"
        + " years", never.err().trim());
    Out node = run("backfill", yaml.toString(), "--spans", "1..2");
    assertEquals("error: --span-node expected: the node to give the span to (pipeline 'cli' has 0 ExampleGen nodes)",
        node.err().trim());
  }

  @Test
  void gcDeletesOldFilesKeepsTheNewestRunsAndTheLineage() throws Exception {
    java.util.List<String> models = new java.util.ArrayList<>();
    for (String v : java.util.List.of("a", "b", "c")) {
      Out r = run("run", pipeline(v).toString());
      assertEquals(0, r.code(), r.err());
      models.add(r.out().lines().filter(l -> l.startsWith("c ")).findFirst().orElseThrow()
          .replaceAll(".*\\s(/\\S+)$", "$1"));
    }
    Path yaml = pipeline("c");
    // A model blessed by hand is a baseline: gc keeps it.
    assertEquals(0, run("models", "bless", models.get(1), "--reason", "reviewed").code());
    Out dry = run("gc", yaml.toString(), "--keep-runs", "1", "--min-age-days", "0", "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("gc cli: would delete the files of 3 artifacts (dry run)"), dry.out());
    assertTrue(Files.exists(Path.of(models.get(0))), "a dry run deletes nothing");

    Out gc = run("gc", yaml.toString(), "--keep-runs", "1", "--min-age-days", "0");
    assertTrue(gc.out().contains("gc cli: deleted the files of 3 artifacts (lineage kept, state DELETED)"), gc.out());
    assertTrue(!Files.exists(Path.of(models.get(0))), "old outputs gone");
    assertTrue(Files.exists(Path.of(models.get(1))), "the blessed model stays");
    assertTrue(Files.exists(Path.of(models.get(2))), "the newest run's output stays");
    Out artifacts = run("artifacts", "--pipeline", "cli");
    assertEquals(3, artifacts.out().lines().filter(l -> l.contains("DELETED")).count(), artifacts.out());
    // The tombstone still answers where the old model came from.
    Out lineage = run("lineage", models.get(0));
    assertEquals(0, lineage.code(), lineage.err());
    assertTrue(lineage.out().contains("<- written as 'data' by Produce node 'p'"), lineage.out());
    // A run that would have hit the cache on deleted files runs the node again.
    Out again = run("run", pipeline("a").toString());
    assertTrue(again.out().lines().anyMatch(l -> l.startsWith("p ") && l.contains("COMPLETE")), again.out());
    assertTrue(run("gc", yaml.toString(), "--keep-runs", "0").err().startsWith(
        "error: Invalid value for option '--keep-runs': expected an integer in [1, 2147483647], got 0"));
    // By default only artifacts a day old go: nothing of today's runs.
    assertTrue(run("gc", yaml.toString(), "--keep-runs", "1").out().contains("deleted the files of 0 artifacts"));
    // run-node in an old run whose upstream files were collected refuses, saying so.
    Out late = run("run-node", yaml.toString(), "c", "--run-id", firstRun(models));
    assertEquals(MillraceCli.USAGE, late.code(), late.out());
    assertTrue(late.err().contains("were deleted (millrace gc)"), late.err());
  }

  static String fetch(String url) throws Exception {
    var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void theUiShowsPipelinesRunsNodesAndLineage() throws Exception {
    Out first = run("run", pipeline("a").toString());
    String runId = first.out().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1]
        .replace(":", "");
    try (var store = org.millrace.metadata.MetadataStores.sqlite(dir.resolve("md.db"));
         var ui = new WebUi(store, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + ui.port();
      assertTrue(fetch(base + "/").contains("<a href=\"/pipelines/cli\">cli</a>"));
      String runs = fetch(base + "/pipelines/cli");
      assertTrue(runs.startsWith("200 ") && runs.contains(runId) && runs.contains("SUCCEEDED"), runs);
      String run = fetch(base + "/runs/" + runId);
      assertTrue(run.contains("<td>p</td><td>Produce</td><td class=\"COMPLETE\">COMPLETE</td>"), run);
      var m = java.util.regex.Pattern.compile("<td>c</td>.*?href=\"/artifacts/(\\d+)\"").matcher(run);
      assertTrue(m.find(), run);
      String model = fetch(base + "/artifacts/" + m.group(1));
      assertTrue(model.contains("Consume node 'c'") && model.contains("read 'data': <a href=\"/artifacts/"), model);
      // Files outside the artifact's directory: theUiServesAnArtifactsOwnFilesOnlyAndSaysHowToTreatThem.
      assertTrue(fetch(base + "/runs/nope").startsWith("404 "));
      // A page asked for under another host name (DNS rebinding) is refused.
      try (var socket = new java.net.Socket("127.0.0.1", ui.port())) {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String status = new String(socket.getInputStream().readAllBytes()).lines().findFirst().orElse("");
        assertTrue(status.startsWith("HTTP/1.1 421"), status);
      }
      assertTrue(fetch(base + "/artifacts/x").contains("artifact id expected a number, got &#39;x&#39;"));
    }
  }

  /** A whole answer (status line, headers, body) to a request sent as written, on a raw socket (no client normalizes the path). */
  static String raw(int port, String target, String... headers) throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList()) + "\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A header's value in a raw answer (names compared ignoring case), or null. */
  static String header(String answer, String name) {
    return answer.substring(0, answer.indexOf("\r\n\r\n")).lines().skip(1)
        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(name.toLowerCase(java.util.Locale.ROOT) + ":"))
        .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse(null);
  }

  /**
   * The ui serves an artifact's own files and nothing else: a secret file next to the artifact's
   * directory (it exists: a refusal is the guard's, not a 404 for a missing file) asked for through
   * {@code ..}, through {@code %2e%2e} and an encoded slash, and through symbolic links inside the
   * directory (to the file, and to the directory above) is refused; the artifact's own report is
   * served, sandboxed. Every answer says how a browser must treat it; with a token every request
   * but /healthz needs it; the default address is this machine only.
   */
  @Test
  void theUiServesAnArtifactsOwnFilesOnlyAndSaysHowToTreatThem() throws Exception {
    assertEquals("127.0.0.1", MillraceCli.commandLine().getSubcommands().get("ui").getCommandSpec()
        .findOption("--host").defaultValue());
    run("run", pipeline("a").toString());
    try (var store = org.millrace.metadata.MetadataStores.sqlite(dir.resolve("md.db"))) {
      var artifact = store.getArtifacts(org.millrace.metadata.ArtifactQuery.builder().build()).stream()
          .filter(x -> Files.isRegularFile(Path.of(x.uri()).resolve("result.txt"))).findFirst().orElseThrow();
      Path root = Path.of(artifact.uri());
      Path secret = Files.writeString(root.resolveSibling("secret.txt"), "TOP-SECRET");
      Files.writeString(root.resolve("report.html"), "<html><body><p>report of the run</p></body></html>");
      Files.createSymbolicLink(root.resolve("leak.txt"), secret);
      Files.createSymbolicLink(root.resolve("up"), root.getParent());
      long id = artifact.id();
      try (var ui = new WebUi(store, "127.0.0.1", 0, org.millrace.serving.http.BearerToken.of("ui-token"))) {
        String auth = "Authorization: Bearer ui-token";
        String ok = raw(ui.port(), "/files/" + id + "/report.html", auth);
        assertTrue(ok.startsWith("HTTP/1.1 200 ") && ok.contains("report of the run"), ok);
        assertTrue(String.valueOf(header(ok, "Content-Security-Policy")).startsWith("sandbox;"), ok);
        assertEquals("nosniff", header(ok, "X-Content-Type-Options"), ok);
        assertEquals("DENY", header(ok, "X-Frame-Options"), ok);
        assertEquals("text/html; charset=utf-8", header(ok, "Content-Type"), ok);
        var served = new java.util.ArrayList<String>();
        for (String path : java.util.List.of("../secret.txt", "%2e%2e/secret.txt", "%2e%2e%2fsecret.txt",
            "%2E%2E%2Fsecret.txt", "leak.txt", "up/secret.txt", "up/" + root.getFileName() + "/leak.txt")) {
          String answer = raw(ui.port(), "/files/" + id + "/" + path, auth);
          if (!answer.startsWith("HTTP/1.1 404 ") || answer.contains("TOP-SECRET")) {
            served.add(path + " -> " + answer.lines().findFirst().orElse("") + (answer.contains("TOP-SECRET")
                ? " with the secret" : ""));
          }
        }
        assertEquals(java.util.List.of(), served, "files outside the artifact's directory");
        // The pages: nothing but their own inline style may load or run; never framed; the type as declared.
        String page = raw(ui.port(), "/", auth);
        assertTrue(page.startsWith("HTTP/1.1 200 "), page);
        assertEquals(WebUi.PAGE_POLICY, header(page, "Content-Security-Policy"), page);
        assertTrue(header(page, "Content-Security-Policy").startsWith("default-src 'none';"), page);
        assertEquals("nosniff", header(page, "X-Content-Type-Options"), page);
        assertEquals("DENY", header(page, "X-Frame-Options"), page);
        assertEquals("no-referrer", header(page, "Referrer-Policy"), page);
        String missing = raw(ui.port(), "/runs/nope", auth);
        assertTrue(missing.startsWith("HTTP/1.1 404 ") && header(missing, "Content-Security-Policy") != null, missing);
        // The token: every page and file needs it, the health check does not.
        for (String path : java.util.List.of("/", "/files/" + id + "/report.html", "/artifacts/" + id)) {
          String refused = raw(ui.port(), path);
          assertTrue(refused.startsWith("HTTP/1.1 401 "), path + ":\n" + refused);
          assertEquals("Bearer", header(refused, "WWW-Authenticate"), refused);
          assertTrue(raw(ui.port(), path, "Authorization: Bearer ui-tokeN").startsWith("HTTP/1.1 401 "), path);
        }
        assertTrue(raw(ui.port(), "/healthz").startsWith("HTTP/1.1 200 "));
      }
    }
  }

  /** The run that wrote the first of these model URIs (its execution id is the URI's last part). */
  String firstRun(java.util.List<String> models) throws Exception {
    try (var store = org.millrace.metadata.MetadataStores.sqlite(dir.resolve("md.db"))) {
      var a = store.getArtifacts(org.millrace.metadata.ArtifactQuery.builder().uri(models.get(0)).build()).get(0);
      long exec = store.getEventsByArtifactIds(java.util.List.of(a.id())).get(0).executionId();
      return org.millrace.pipelines.launch.StoreQueries.runIdOf(store.getExecution(exec).orElseThrow());
    }
  }

  /** `millrace serve` batches with the serving module's defaults (one place decides them: InferenceOptions). */
  @Test
  void serveBatchesWithTheServingDefaults() {
    var cl = MillraceCli.commandLine(new String[] {"serve"});
    cl.parseArgs("serve");
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    var defaults = org.millrace.serving.InferenceOptions.defaults();
    assertEquals(defaults.maxBatchWait().toNanos(), serve.batchWaitMicros * 1000L, "--batch-wait-us");
    assertEquals(defaults.maxBatchRows(), serve.batchRows, "--batch-rows");
  }
}
