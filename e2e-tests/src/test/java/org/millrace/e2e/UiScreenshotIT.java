package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.testing.RequiredCapabilities;

/**
 * {@code millrace ui}'s pictures as a browser draws them, over a store made by running the penguins
 * example twice through the launcher (the second run with another learning rate and fewer epochs, so
 * that most nodes are cache hits and the training curves differ), with {@code millrace ui} started
 * through the launcher too. Headless Debian chromium reads each page's DOM (the run's graph, an
 * artifact's lineage, the pipeline's metric chart and table, the comparison) and takes a screenshot
 * that must match a reference PNG under {@code e2e-tests/src/test/resources/ui-reference/} within
 * {@link #TOLERANCE} of its pixels: run ids, times and durations differ from run to run and change a
 * few glyphs; a layout, colour or chart that changes does not pass.
 *
 * <p>To regenerate the references after an intended change of the pages, run this test with
 * {@code -Dmillrace.ui.updateReferences=true} (or {@code MILLRACE_UPDATE_UI_REFERENCES=1}):
 * {@code mvn -B -o -pl e2e-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=UiScreenshotIT -Dmillrace.ui.updateReferences=true}; it writes the screenshots there
 * instead of comparing, then look at them before committing. A failing comparison leaves the
 * screenshot and a difference image (differing pixels red) in {@code e2e-tests/target/ui-screenshots/}.
 */
class UiScreenshotIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  /** The reference screenshots; the tests run from the repository root. */
  static final Path REFERENCES = Path.of("e2e-tests/src/test/resources/ui-reference");
  static final Path ACTUAL = Path.of("e2e-tests/target/ui-screenshots");
  /** At most this share of pixels may differ from the reference. */
  static final double TOLERANCE = 0.03;
  /** A pixel differs when one of its channels differs by more than this (of 255): a changed colour counts. */
  static final int CHANNEL_TOLERANCE = 8;
  static final int WIDTH = 1000;

  @TempDir
  Path dir;

  static boolean updating() {
    return Boolean.getBoolean("millrace.ui.updateReferences")
        || "1".equals(System.getenv("MILLRACE_UPDATE_UI_REFERENCES"));
  }

  static String dom(String url) throws Exception {
    Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  static BufferedImage screenshot(String url, Path png, int height) throws Exception {
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);
    Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + WIDTH + "," + height,
        "--screenshot=" + png.toAbsolutePath(), url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), out);
    assertTrue(Files.isRegularFile(png), "chromium wrote no screenshot " + png + ":\n" + out);
    return ImageIO.read(png.toFile());
  }

  /** The share of pixels that differ (1 when the sizes differ), and a picture of them in {@code diff}. */
  static double differing(BufferedImage a, BufferedImage b, Path diff) throws Exception {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return 1;
    }
    var picture = new BufferedImage(a.getWidth(), a.getHeight(), BufferedImage.TYPE_INT_RGB);
    long n = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        boolean differs = false;
        for (int shift = 0; shift <= 16; shift += 8) {
          differs |= Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)) > CHANNEL_TOLERANCE;
        }
        n += differs ? 1 : 0;
        picture.setRGB(x, y, differs ? 0xff0000 : (p & 0xfefefe) >> 1 | 0x808080);
      }
    }
    ImageIO.write(picture, "png", diff.toFile());
    return (double) n / ((long) a.getWidth() * a.getHeight());
  }

  /** Compares a page's screenshot with its reference (or writes the reference, when updating). */
  static void matches(String name, String url, int height) throws Exception {
    Path actual = ACTUAL.resolve(name + ".png");
    BufferedImage shot = screenshot(url, actual, height);
    Path reference = REFERENCES.resolve(name + ".png");
    if (updating()) {
      Files.createDirectories(REFERENCES);
      Files.copy(actual, reference, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    assertTrue(Files.isRegularFile(reference), "no reference screenshot " + reference + " for " + url
        + ": run with -Dmillrace.ui.updateReferences=true to write it (the class's javadoc says how)");
    double ratio = differing(ImageIO.read(reference.toFile()), shot, ACTUAL.resolve(name + "-diff.png"));
    System.out.printf("screenshot %s: %.4f of pixels differ from the reference%n", name, ratio);
    assertTrue(ratio <= TOLERANCE, String.format(java.util.Locale.ROOT, "%s (%s) differs from %s in %.2f%% of its pixels"
        + " (at most %.2f%%): see %s and %s-diff.png; if the change is intended, regenerate the references"
        + " (UiScreenshotIT's javadoc)", name, url, reference, ratio * 100, TOLERANCE * 100, actual,
        ACTUAL.resolve(name)));
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void aBrowserDrawsTheRunGraphTheLineageTheMetricChartAndTwoRunsComparedAsTheReferencesShow() throws Exception {
    RequiredCapabilities.assume("chromium", Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " here (apt-get install"
        + " chromium): the browser test is skipped");
    var cli = new MillraceProcess(dir);
    Path first = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    Path second = Files.writeString(dir.resolve("pipeline-b.yaml"), Files.readString(first)
        .replace("learning_rate: 0.01", "learning_rate: 0.003").replace("epochs: 40", "epochs: 25"));
    MillraceProcess.Result a = cli.run("run", first.toString());
    assertEquals(0, a.code(), a.toString());
    MillraceProcess.Result b = cli.run("run", second.toString());
    assertEquals(0, b.code(), b.toString());
    try (var ui = cli.start("ui", "--port", "0")) {
      Matcher m = ServerLimitsIT.awaitStdout(ui, Pattern.compile("millrace ui on http://([^/:]+):(\\d+)/"));
      String base = "http://127.0.0.1:" + m.group(2);

      // The run's graph: every node, its state (the first nodes were cache hits), every dependency.
      String run = dom(base + "/runs/" + b.runId());
      for (String node : List.of("ingest", "statistics", "schema", "validator", "transform", "trainer", "evaluator",
          "pusher")) {
        assertTrue(run.contains("data-id=\"" + node + "\""), node + " in\n" + run);
      }
      Map.of("ingest", "cached", "statistics", "cached", "transform", "cached", "trainer", "succeeded",
          "pusher", "succeeded").forEach((node, state) -> assertTrue(run.contains("<g class=\"node " + state
              + "\" data-id=\"" + node + "\""), node + " " + state + " in\n" + run));
      assertEquals(12, count(run, "class=\"edge\""), run); // 11 inputs and the validator, gating transform
      assertTrue(run.contains("cache hit (from #"), run);

      // The model's lineage: upstream to the data, downstream to the evaluation; boxes link to their pages.
      Matcher model = Pattern.compile("href=\"/artifacts/(\\d+)\">model \\(Model #").matcher(run);
      assertTrue(model.find(), run);
      String artifact = dom(base + "/artifacts/" + model.group(1));
      assertTrue(artifact.contains("<g class=\"node focus\" data-id=\"a" + model.group(1) + "\""), artifact);
      for (String box : List.of("ingest (ExampleGen)", "trainer (Trainer)", "evaluator (Evaluator)",
          "pusher (Pusher)")) {
        assertTrue(artifact.contains(">" + box + "</text>"), box + " in\n" + artifact);
      }
      assertTrue(Pattern.compile("<a href=\"/executions/\\d+\"><g class=\"node").matcher(artifact).find(), artifact);
      assertTrue(Pattern.compile("<a href=\"/artifacts/\\d+\"><g class=\"node artifact").matcher(artifact).find(),
          artifact);

      // The pipeline: the Evaluator's metrics as columns, a chart of accuracy across both runs for a slice.
      String pipeline = dom(base + "/pipelines/penguins?metric=accuracy&slice=island%3DBiscoe");
      for (String metric : List.of("auc_roc_macro", "log_loss", "f1_macro")) {
        assertTrue(pipeline.contains(">" + metric + "</a></th>"), metric + " in\n" + pipeline);
      }
      for (String slice : List.of("island=Biscoe", "Overall")) {
        Matcher series = Pattern.compile("<g class=\"series\" data-name=\"" + slice + "\">(.*?)</g>").matcher(pipeline);
        assertTrue(series.find(), slice + " in\n" + pipeline);
        assertEquals(2, count(series.group(1), "<circle"), series.group(1));
      }

      // Two runs: both training curves, and the parameters that differ first.
      String compare = dom(base + "/compare?a=" + a.runId() + "&b=" + b.runId());
      assertTrue(compare.contains("<g class=\"series\" data-name=\"A train loss\">")
          && compare.contains("<g class=\"series\" data-name=\"B validation loss\">"), compare);
      assertTrue(compare.contains("<tr class=\"changed\"><td>trainer</td><td>epochs</td><td>40</td><td>25</td></tr>"),
          compare);
      assertTrue(compare.contains("<tr class=\"changed\"><td>trainer</td><td>optimizer.learning_rate</td><td>0.01</td>"
          + "<td>0.003</td></tr>"), compare);
      assertTrue(compare.contains("parameters: 2 of "), compare);

      matches("run", base + "/runs/" + b.runId(), 900);
      matches("artifact", base + "/artifacts/" + model.group(1), 1500);
      matches("pipeline", base + "/pipelines/penguins?metric=log_loss&slice=island%3DDream", 900);
      matches("compare", base + "/compare?a=" + a.runId() + "&b=" + b.runId(), 1100);
      ui.terminate(java.time.Duration.ofSeconds(30));
    }
  }
}
