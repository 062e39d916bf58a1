package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code millrace init} then {@code millrace run} through the real launcher on the data sets of
 * shared/data that ExampleGen reads (copies in examples/data): iris, penguins, seattle-weather (its
 * yearly spans joined into one file), diabetes (regression, with labels blanked so that init picks
 * {@code missing_label: drop}) and digits (64 pixel columns; gunzipped as init's error says). Each
 * generated pipeline is checked; diabetes, digits and seattle-weather (regression with dropped labels,
 * the wide input, the excluded identifier) run unedited (but for where their outputs go) and their
 * models are blessed, in parallel to keep the test short. {@code -Dmillrace.init.all=true} runs the
 * iris and penguins pipelines too (penguins with {@code features: auto} also runs in FeaturesAutoIT).
 */
class InitIT {
  @TempDir
  Path dir;

  record Case(String name, Path file, String label, String task) {
    boolean runs() {
      return Boolean.getBoolean("millrace.init.all") || !List.of("iris", "penguins").contains(name);
    }
  }

  @Test
  void everyDataSetRunsFromInitsPipelineAndIsBlessed() throws Exception {
    Files.createDirectories(dir);
    var cases = new ArrayList<Case>();
    cases.add(new Case("iris", Path.of("examples/data/iris/iris.csv").toAbsolutePath(), "species", "classification"));
    cases.add(new Case("penguins", NewUserDataIT.PENGUINS.toAbsolutePath(), "species", "classification"));

    var weather = new StringBuilder();
    for (int year = 2012; year <= 2015; year++) {
      List<String> lines = Files.readAllLines(Path.of("examples/data/seattle-weather/span-" + year + "/data.csv"));
      weather.append(String.join("\n", year == 2012 ? lines : lines.subList(1, lines.size()))).append('\n');
    }
    cases.add(new Case("weather", Files.writeString(dir.resolve("seattle-weather.csv"), weather), "weather",
        "classification"));

    List<String> diabetes = new ArrayList<>(Files.readAllLines(Path.of("examples/data/diabetes/diabetes.csv")));
    for (int line = 30; line <= 240; line += 30) { // 8 rows (1-based file lines) lose their label, the last column
      String row = diabetes.get(line - 1);
      diabetes.set(line - 1, row.substring(0, row.lastIndexOf(',') + 1));
    }
    cases.add(new Case("diabetes", Files.write(dir.resolve("diabetes.csv"), diabetes), "progression", "regression"));

    Path gz = Path.of("examples/data/digits/digits.csv.gz").toAbsolutePath();
    var refused = new MillraceProcess(dir).run("init", gz.toString(), "--label", "label");
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(refused.err().contains("expected an uncompressed file") && refused.err().contains("gunzip -k " + gz),
        refused.toString());
    Path digits = dir.resolve("digits.csv");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      Files.copy(in, digits);
    }
    cases.add(new Case("digits", digits, "label", "classification"));

    var running = new LinkedHashMap<Case, MillraceProcess.Running>();
    try {
      for (Case c : cases) {
        Path out = dir.resolve(c.name());
        Path yaml = out.resolve("pipeline.yaml");
        var init = new MillraceProcess(out).run("init", c.file().toString(), "--label", c.label(), "--out",
            yaml.toString(), "--epochs", "10");
        assertEquals(0, init.code(), c + ": " + init);
        assertTrue(init.out().contains(", " + c.task() + ")") && init.out().contains("wrote " + yaml), init.toString());
        String text = Files.readString(yaml);
        assertTrue(text.contains("features:\n        auto: true"), text);
        if (c.name().equals("diabetes")) {
          assertTrue(init.out().contains("8 rows have no 'progression': missing_label: drop"), init.toString());
          assertTrue(text.contains("missing_label: drop"), text);
        } else {
          assertTrue(text.contains("missing_label: fail"), text);
        }
        if (c.name().equals("weather")) {
          assertTrue(text.contains("exclude: [\"date\"]"), text);
        }
        if (c.name().equals("digits")) {
          assertTrue(text.contains("classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"), text);
        }
        // Only where the outputs go changes (under the test's folder); the pipeline is otherwise as written.
        Path relocated = Cli.relocate(yaml, out);
        if (c.runs()) {
          running.put(c, new MillraceProcess(out).start("run", relocated.toString()));
        }
      }
      Map<String, String> failures = new LinkedHashMap<>();
      for (var e : running.entrySet()) {
        MillraceProcess.Result r = e.getValue().await(Duration.ofMinutes(8));
        if (r.code() != 0 || !r.out().contains("BLESSED (evaluator): all checks passed")) {
          failures.put(e.getKey().name(), r.toString());
        } else if (e.getKey().name().equals("diabetes")) {
          assertTrue((r.out() + r.err()).contains("8 rows with a missing label 'progression' dropped"), r.toString());
        }
      }
      assertEquals(Map.of(), failures);
    } finally {
      for (var r : running.values()) {
        r.close();
      }
    }
  }
}
