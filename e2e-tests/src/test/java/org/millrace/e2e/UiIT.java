package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.testing.RequiredCapabilities;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.cli.WebUi;

/**
 * {@code millrace ui} after the penguins pipeline, read by a real browser (headless Debian
 * chromium, which .ci/run installs): the run page lists every node, and the statistics report the
 * StatisticsGen wrote renders from the artifact's page.
 */
class UiIT {
  @TempDir
  Path dir;

  static String dom(String url) throws Exception {
    Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void aBrowserShowsTheRunItsNodesAndTheStatisticsReport() throws Exception {
    RequiredCapabilities.assume("chromium", Files.isExecutable(Path.of("/usr/bin/chromium")), "no chromium here (apt-get install"
        + " chromium): the browser test is skipped");
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new Cli(dir);
    Cli.Result run = cli.run("run", yaml.toString());
    assertEquals(0, run.code(), run.out() + run.err());
    try (var store = MetadataStores.sqlite(dir.resolve("metadata.db")); var ui = new WebUi(store, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + ui.port();
      String runPage = dom(base + "/runs/" + run.runId());
      for (String node : List.of("ingest", "statistics", "schema", "validator", "transform", "trainer", "evaluator",
          "pusher")) {
        assertTrue(runPage.contains("<td>" + node + "</td>"), node + " in\n" + runPage);
      }
      var m = Pattern.compile("<td>statistics</td>.*?href=\"/artifacts/(\\d+)\"", Pattern.DOTALL).matcher(runPage);
      assertTrue(m.find(), runPage);
      String artifact = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/artifacts/"
          + m.group(1))).build(), HttpResponse.BodyHandlers.ofString()).body();
      var report = Pattern.compile("href=\"(/files/" + m.group(1) + "/[^\"]+\\.html)\"").matcher(artifact);
      assertTrue(report.find(), artifact);
      String stats = dom(base + report.group(1));
      assertTrue(stats.contains("culmen_length_mm") && stats.contains("<table"), stats);
    }
  }
}
