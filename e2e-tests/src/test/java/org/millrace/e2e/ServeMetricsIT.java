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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code millrace serve}'s {@code GET /metrics} as Prometheus scrapes it, through the real launcher:
 * a penguins model pushed by a run, the server started as a process, predicts sent, and the
 * exposition read twice. Every line must parse as the Prometheus text format (version 0.0.4), the
 * request counter and the batch-size histogram must move by what was sent, and the JVM, GC and
 * process metrics must be there.
 */
class ServeMetricsIT {
  @TempDir
  Path tmp;

  private static final String ROW = "{\"island\": \"Torgersen\", \"culmen_length_mm\": 39.1, \"culmen_depth_mm\": 18.7,"
      + " \"flipper_length_mm\": 181, \"body_mass_g\": 3750, \"sex\": \"MALE\"}";

  @Test
  void predictsMoveTheCountersAndTheExpositionParses() throws Exception {
    Path ws = MillraceProcess.workspace(tmp.resolve("ws"));
    var cli = new MillraceProcess(tmp.resolve("logs")).metadata(null).workingDirectory(ws);
    var run = cli.run(Duration.ofMinutes(4), "run", "pipelines/examples/penguins/pipeline.yaml",
        "--set", "trainer.epochs=3");
    assertEquals(0, run.code(), run.toString());

    try (var serve = cli.start("serve", "--port=0", "--batch-rows=8")) {
      serve.awaitOutput("serving ", Duration.ofMinutes(2));
      Matcher port = Pattern.compile("(?m)^serving .* on http://[^:]+:(\\d+)").matcher(serve.out());
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!port.find() && System.nanoTime() < end) {
        Thread.sleep(50);
        port = Pattern.compile("(?m)^serving .* on http://[^:]+:(\\d+)").matcher(serve.out());
      }
      String base = "http://127.0.0.1:" + port.group(1);
      var http = HttpClient.newHttpClient();

      Map<String, Double> before = parse(get(http, base + "/metrics"));
      String ok = "millrace_serving_requests_total{api=\"predict\",code=\"200\",model=\"penguins\"}";
      String rows = "millrace_serving_request_rows_sum{model=\"penguins\"}";
      for (int i = 0; i < 3; i++) {
        var reply = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/penguins:predict"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + ROW + ", " + ROW + "]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        assertTrue(reply.body().contains("\"class\""), reply.body());
      }
      var bad = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/penguins:predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": 7}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode(), bad.body());

      // Each request is counted before its answer is sent: read at once, /metrics has all four.
      String bad400 = "millrace_serving_requests_total{api=\"predict\",code=\"400\",model=\"penguins\"}";
      String durations = "millrace_serving_request_duration_seconds_count{api=\"predict\",model=\"penguins\"}";
      String text = get(http, base + "/metrics");
      Map<String, Double> after = parse(text);
      assertEquals(3.0, after.getOrDefault(ok, 0.0) - before.getOrDefault(ok, 0.0), ok + " in\n" + text);
      assertEquals(1.0, after.getOrDefault(bad400, 0.0) - before.getOrDefault(bad400, 0.0), bad400 + " in\n" + text);
      assertEquals(6.0, after.get(rows) - before.getOrDefault(rows, 0.0), rows + " in\n" + text);
      assertTrue(after.getOrDefault(durations, 0.0) >= 4, durations + " in\n" + text);
      assertTrue(after.get("millrace_serving_batch_rows_count{model=\"penguins\",version=\"1\"}") >= 3, text);
      for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_collection_seconds", "jvm_threads_current",
          "process_cpu_seconds_total", "process_start_time_seconds")) {
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith(family)), family + " in\n" + text);
      }
      serve.terminate(Duration.ofSeconds(30));
    }
  }

  private static String get(HttpClient http, String url) throws Exception {
    var reply = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, reply.statusCode(), reply.body());
    assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
        reply.headers().toString());
    return reply.body();
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
      + "(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*,?)?})? (\\S+)(?: -?\\d+)?");

  /**
   * The Prometheus text format (0.0.4), strictly: every line a HELP, a TYPE or a sample; every
   * sample of a family whose TYPE came first (histograms' {@code _bucket}, {@code _sum},
   * {@code _count}, counters' {@code _total} and {@code _created}); every value a number; a
   * histogram's buckets cumulative. Returns the samples by name and labels.
   */
  static Map<String, Double> parse(String text) {
    var samples = new LinkedHashMap<String, Double>();
    var types = new HashMap<String, String>();
    var problems = new ArrayList<String>();
    var lastBucket = new HashMap<String, Double>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty() && n == text.split("\n", -1).length) {
        continue;
      }
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        if (types.put(t.group(1), t.group(2)) != null) {
          problems.add("line " + n + ": a second TYPE for " + t.group(1));
        }
        continue;
      }
      if (HELP.matcher(line).matches()) {
        continue;
      }
      Matcher s = SAMPLE.matcher(line);
      if (!s.matches()) {
        problems.add("line " + n + ": not a sample, HELP or TYPE: " + line);
        continue;
      }
      String name = s.group(1);
      String family = familyOf(name, types);
      if (family == null) {
        problems.add("line " + n + ": " + name + " has no TYPE before it");
      }
      double value;
      try {
        value = Double.parseDouble(s.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
      } catch (NumberFormatException e) {
        problems.add("line " + n + ": value " + s.group(3) + " is not a number");
        continue;
      }
      String key = name + (s.group(2) == null ? "" : s.group(2));
      if (samples.put(key, value) != null) {
        problems.add("line " + n + ": " + key + " twice");
      }
      if (name.endsWith("_bucket") && s.group(2) != null) {
        String series = s.group(2).replaceAll(",?le=\"[^\"]*\"", "");
        Double previous = lastBucket.put(name + series, value);
        if (previous != null && previous > value) {
          problems.add("line " + n + ": bucket counts not cumulative: " + line);
        }
      }
    }
    assertEquals(List.of(), problems, text);
    assertTrue(samples.size() > 10, text);
    return samples;
  }

  private static String familyOf(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : Set.of("_bucket", "_sum", "_count", "_total", "_created")) {
      if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return null;
  }
}
