package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.MetadataStores;

/**
 * {@code millrace ui}'s graph and comparison pages in process, on the test components: the run's
 * graph with cache hits, lineage boxes linking to their pages, {@code /compare}'s parameter diff
 * (escaped), and clear 400 and 404 answers to queries that name nothing.
 */
class WebUiPagesTest {
  @TempDir
  Path dir;

  String run(String value) throws Exception {
    Path yaml = Files.writeString(dir.resolve("p.yaml"), """
        pipeline: cli
        pipeline_root: %s
        nodes:
          p: {component: Produce, parameters: {value: "%s"}}
          c: {component: Consume, inputs: {data: p.data}}
        """.formatted(dir.resolve("root"), value));
    var out = new StringWriter();
    var cl = MillraceCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    var args = new ArrayList<>(List.of("run", yaml.toString(), "--metadata=" + dir.resolve("md.db")));
    assertEquals(0, cl.execute(args.toArray(String[]::new)), out.toString());
    return out.toString().lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow().split(" ")[1]
        .replace(":", "");
  }

  @Test
  void runGraphLineageAndComparisonPages() throws Exception {
    String first = run("a");
    String second = run("<i>b");
    String third = run("<i>b");
    try (var store = MetadataStores.sqlite(dir.resolve("md.db")); var ui = new WebUi(store, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + ui.port();
      String graph = MillraceCliTest.fetch(base + "/runs/" + third);
      assertTrue(graph.startsWith("200 "), graph);
      assertTrue(graph.contains("<g class=\"node cached\" data-id=\"p\" data-layer=\"0\"")
          && graph.contains("<g class=\"node cached\" data-id=\"c\" data-layer=\"1\""), graph);
      assertTrue(graph.contains("<path class=\"edge\" data-from=\"p\" data-to=\"c\""), graph);
      assertTrue(MillraceCliTest.fetch(base + "/runs/" + first).contains("<g class=\"node succeeded\" data-id=\"p\""));

      Matcher exec = Pattern.compile("<a href=\"/executions/(\\d+)\"><g class=\"node cached\" data-id=\"c\"")
          .matcher(graph);
      assertTrue(exec.find(), graph);
      String execution = MillraceCliTest.fetch(base + "/executions/" + exec.group(1));
      assertTrue(execution.startsWith("200 ") && execution.contains("<g class=\"node focus\" data-id=\"e"
          + exec.group(1) + "\""), execution);
      Matcher artifact = Pattern.compile("<a href=\"/artifacts/(\\d+)\"><g class=\"node artifact\"").matcher(execution);
      assertTrue(artifact.find(), execution);
      String lineage = MillraceCliTest.fetch(base + "/artifacts/" + artifact.group(1));
      assertTrue(lineage.contains("<g class=\"node focus\" data-id=\"a" + artifact.group(1) + "\""), lineage);

      String compare = MillraceCliTest.fetch(base + "/compare?a=" + first + "&b=" + second);
      assertTrue(compare.startsWith("200 ") && compare.contains("parameters: 1 of 5 differ"), compare);
      assertTrue(compare.contains("<tr class=\"changed\"><td>p</td><td>value</td><td>a</td><td>&lt;i&gt;b</td></tr>"),
          compare);
      assertTrue(MillraceCliTest.fetch(base + "/compare?a=" + second + "&b=" + third)
          .contains("parameters: 0 of 5 differ"));
      assertTrue(compare.contains("Neither run has a Trainer's history"), compare);

      String missing = MillraceCliTest.fetch(base + "/compare?a=" + first);
      assertEquals("400 ", missing.substring(0, 4), missing);
      assertTrue(missing.contains("compare expected query parameters a and b (run ids, e.g. /compare?a=RUN&amp;b=RUN),"
          + " got a and no b"), missing);
      assertTrue(MillraceCliTest.fetch(base + "/compare?a=" + first + "&b=nope").startsWith("404 "));
      String pipeline = MillraceCliTest.fetch(base + "/pipelines/cli");
      assertTrue(pipeline.contains("No run of this pipeline has an Evaluator's metrics yet.")
          && pipeline.contains(third) && pipeline.contains("with #2</a>"), pipeline);
      String metric = MillraceCliTest.fetch(base + "/pipelines/cli?metric=nope");
      assertTrue(metric.startsWith("400 ") && metric.contains("metric expected one of the Evaluator&#39;s metrics [],"
          + " got &#39;nope&#39;"), metric);
      assertTrue(MillraceCliTest.fetch(base + "/executions/x").startsWith("404 "));
    }
  }
}
