package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code millrace init} then {@code millrace run} through the real launcher on every data set of
 * shared/data. The small ones from their copies in examples/data: iris, penguins, seattle-weather
 * (its yearly spans joined into one file), diabetes (regression, with labels blanked so that init
 * picks {@code missing_label: drop}) and digits (64 pixel columns, read gzip-compressed as it is).
 * The large ones from shared/data itself ({@link SharedData}; skipped without it): flights as JSON
 * (20k rows), Arrow (200k) and Parquet (3M), and fashion-mnist (784 pixel columns) converted to
 * Parquet by its example's convert.sh (600 images). Each generated pipeline is checked, and runs
 * unedited (but for where its outputs go), in parallel to keep the test short, to a pushed model or
 * to a blessing that says why not, with exit code 0 — but for the 3M-row Parquet file, whose pipeline
 * is checked (format, the excluded date, a 3-epoch budget of 512-row batches) and not run: the same
 * flights in 20k and 200k rows run whole, as its bounded subsets. {@code -Dmillrace.init.all=true}
 * runs the iris and penguins pipelines too (penguins with {@code features: auto} also runs in
 * FeaturesAutoIT).
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

    // No --label: digits' label column is called label.
    cases.add(new Case("digits", Path.of("examples/data/digits/digits.csv.gz").toAbsolutePath(), null,
        "classification"));

    var running = new LinkedHashMap<Case, MillraceProcess.Running>();
    try {
      for (Case c : cases) {
        Path out = dir.resolve(c.name());
        Path yaml = out.resolve("pipeline.yaml");
        var args = new ArrayList<>(List.of("init", c.file().toString(), "--out", yaml.toString(), "--epochs", "10"));
        if (c.label() != null) {
          args.addAll(List.of("--label", c.label()));
        }
        var init = new MillraceProcess(out).run(args.toArray(String[]::new));
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
          assertTrue(init.out().contains("(csv, gzip); label 'label' (int, classification)"), init.toString());
          assertTrue(init.out().contains("no --label given: 'label' is the label (by its name)"), init.toString());
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

  /**
   * A spreadsheet's export as a new user brings it (an audit's cases, in one file): separated by
   * semicolons, a float column with NaN in it, a column with no value in any row, and a price that
   * is whole for the first 1,200 rows and has decimals after. init exited 0 on each and wrote a
   * pipeline that failed (one column whose name was the header line; Transform's "expected a finite
   * number, got NaN" and "expected at least one value to fit"; 600 bad rows, more than a tenth).
   * Now init writes the delimiter, nan_policy: missing, the empty column excluded and a typing sample
   * of the whole file, and the pipeline runs as written. A label with one class is refused by init
   * (exit 2) instead of failing the run at the Trainer.
   */
  @Test
  void aMessyExportRunsFromInitsPipeline() throws Exception {
    var rows = new StringBuilder("price;weight;notes;colour;label\n");
    var random = new java.util.Random(7);
    for (int i = 0; i < 1800; i++) {
      String price = i < 1200 ? Integer.toString(10 + random.nextInt(90))
          : String.format(java.util.Locale.ROOT, "%.2f", 10 + 90 * random.nextDouble());
      String weight = i % 97 == 5 ? "NaN" : String.format(java.util.Locale.ROOT, "%.3f", random.nextGaussian());
      String colour = random.nextBoolean() ? "red" : "blue";
      boolean yes = Double.parseDouble(price) > 55 ^ colour.equals("red");
      rows.append(price).append(';').append(weight).append(";;").append(colour).append(';').append(yes ? "yes" : "no")
          .append('\n');
    }
    Path data = Files.writeString(dir.resolve("export.csv"), rows);
    Path out = dir.resolve("export");
    Path yaml = out.resolve("pipeline.yaml");
    var cli = new MillraceProcess(out);
    var init = cli.run("init", data.toString(), "--out", yaml.toString(), "--epochs", "5");
    assertEquals(0, init.code(), init.toString());
    assertTrue(init.out().contains("1800 rows, 5 columns (csv (';')); label 'label' (string, classification)"),
        init.toString());
    assertTrue(init.out().contains("infer_sample_rows: 1800 types them from the whole file"), init.toString());
    // What to run next names the launcher as it was called (it said ./millrace wherever millrace was).
    assertTrue(init.out().contains("next: " + MillraceProcess.repositoryRoot().resolve("millrace") + " run " + yaml),
        init.toString());
    String text = Files.readString(yaml);
    assertTrue(text.contains("delimiter: \";\"") && text.contains("infer_sample_rows: 1800")
        && text.contains("nan_policy: missing") && text.contains("exclude: [\"notes\"]"), text);
    assertTrue(text.contains("bad_rows: fail"), "every row fits its columns: " + text);
    var run = cli.run("run", Cli.relocate(yaml, out).toString());
    assertEquals(0, run.code(), run.toString());

    // --delimiter chooses against the sniffer: ',' reads the export as one column, the label, which init
    // refuses, pointing at --delimiter (it wrote a pipeline that failed at Transform, exit 0); a separator
    // of two characters is refused.
    var comma = cli.run("init", data.toString(), "--delimiter", ",", "--out", dir.resolve("comma.yaml").toString());
    assertEquals(2, comma.code(), comma.toString());
    assertTrue(comma.err().contains(data + ": expected a column to predict from besides the label, got one column,"
        + " \"price;weight;notes;colour;label\" (read with the separator ',': is the file separated by another?"
        + " --delimiter)"), comma.toString());
    assertTrue(!Files.exists(dir.resolve("comma.yaml")), "no pipeline written");
    var two = cli.run("init", data.toString(), "--delimiter", ";;", "--out", dir.resolve("two.yaml").toString());
    assertEquals(2, two.code(), two.toString());
    assertTrue(two.err().contains("--delimiter expected one ASCII character other than '\"' (\\t for tab), got ';;'"),
        two.toString());

    // One class only: refused by init, naming the file, the label and the class.
    Path oneClass = Files.writeString(dir.resolve("one.csv"), "x,label\n1,yes\n2,yes\n3,yes\n");
    var refused = cli.run("init", oneClass.toString(), "--out", dir.resolve("one.yaml").toString());
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(refused.err().contains(oneClass + ": classification expected at least 2 classes in the label 'label',"
        + " got only \"yes\" in 3 rows"), refused.toString());
    assertTrue(!Files.exists(dir.resolve("one.yaml")), "no pipeline written");
  }

  /**
   * A CRM export as pandas and a database write it, through the launcher as a user runs it: pandas's
   * index ({@code Unnamed: 0}) and a customer number (left out as identifiers), a sign-up date
   * several rows a day (left out: dates), a creation time stamp per row (left out once, as an
   * identifier or a date: init named it a date on its console while the pipeline listed it as an
   * identifier), zip codes with leading zeros (read as text: column_types), incomes missing as
   * {@code NULL} and scores as {@code #N/A} (null_values), a column with an empty header ({@code
   * Unnamed: 9}) and a label written {@code True}/{@code False} (classes false, true). init's checks
   * were tested in process only; here the pipeline it writes then runs, unedited but for where its
   * outputs go, to a blessed model.
   */
  @Test
  void aCrmExportWithIdentifiersDatesCodesAndMarkersRunsFromInitsPipeline() throws Exception {
    var rows = new StringBuilder(",customer_id,signup,created,zip,income,score,plan,visits,,Churn\n");
    var random = new java.util.Random(11);
    for (int i = 0; i < 1500; i++) {
      int income = 20_000 + random.nextInt(80_000);
      String plan = List.of("basic", "plus", "pro").get(random.nextInt(3));
      boolean churn = income < 50_000 ^ random.nextInt(10) == 0;
      rows.append(i).append(',').append(700_000 + 17 * i).append(",2026-0").append(1 + i / 300).append('-')
          .append(String.format(java.util.Locale.ROOT, "%02d", 1 + i % 28)).append(",2026-11-01T")
          .append(String.format(java.util.Locale.ROOT, "%02d:%02d:%02d", i / 3600, i / 60 % 60, i % 60)).append("Z,")
          .append(String.format(java.util.Locale.ROOT, "%05d", 1000 + 1000 * random.nextInt(9))).append(',')
          .append(i % 40 == 3 ? "NULL" : Integer.toString(income)).append(',')
          .append(i % 55 == 8 ? "#N/A" : String.format(java.util.Locale.ROOT, "%.2f", random.nextDouble())).append(',')
          .append(plan).append(',').append(random.nextInt(30)).append(',').append(random.nextInt(5)).append(',')
          .append(churn ? "True" : "False").append('\n');
    }
    Path data = Files.writeString(dir.resolve("crm.csv"), rows);
    Path out = dir.resolve("crm");
    Path yaml = out.resolve("pipeline.yaml");
    var cli = new MillraceProcess(out);
    var init = cli.run("init", data.toString(), "--out", yaml.toString(), "--epochs", "10");
    assertEquals(0, init.code(), init.toString());
    String said = init.out();
    assertTrue(said.contains("1500 rows, 11 columns (csv); label 'Churn' (bool, classification)"), init.toString());
    assertTrue(said.contains("init: [\"income\"] hold \"NULL\" where a number is missing: null_values reads it as"
        + " missing"), init.toString());
    assertTrue(said.contains("init: [\"score\"] hold \"#N/A\" where a number is missing"), init.toString());
    assertTrue(said.contains("init: [\"zip\"]: whole numbers written with leading zeros ('01000'): codes, read as text"
        + " (column_types)"), init.toString());
    assertTrue(said.contains("init: [\"created\"]: nearly one value per row"), init.toString());
    assertTrue(said.contains("init: [\"Unnamed: 0\",\"customer_id\"]: a different whole number in every row"),
        init.toString());
    assertTrue(said.contains("init: [\"signup\"]: dates: one-hot"), init.toString());
    // Each column left out is named once, as the pipeline's exclude names it.
    assertEquals(1, said.split("\"created\"", -1).length - 1, init.toString());
    String text = Files.readString(yaml);
    assertTrue(text.contains("null_values: [\"\", \"NA\", \"null\", \"#N/A\", \"NULL\"]")
        && text.contains("column_types: {\"zip\": string}") && text.contains("classes: [\"false\", \"true\"]")
        && text.contains("exclude: [\"created\",\"Unnamed: 0\",\"customer_id\",\"signup\"]"), text);

    var run = cli.run("run", Cli.relocate(yaml, out).toString());
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("BLESSED (evaluator): all checks passed"), run.toString());
  }

  /** A finished run: exit 0, and a pushed model or a blessing that says why it was not given. */
  static String outcome(MillraceProcess.Result r, Path registry) throws java.io.IOException {
    if (r.code() != 0) {
      return "exit " + r.code();
    }
    if (r.out().contains("BLESSED (evaluator): all checks passed")) {
      try (var versions = Files.find(registry, 2, (f, a) -> a.isDirectory() && f.getFileName().toString().equals("1"))) {
        return versions.findAny().isPresent() ? "pushed" : "blessed, but no version 1 in " + registry;
      }
    }
    var notBlessed = java.util.regex.Pattern.compile("NOT BLESSED \\(evaluator\\): (\\S.*)").matcher(r.out());
    return notBlessed.find() ? "not blessed: " + notBlessed.group(1) : "no blessing in the output";
  }

  @Test
  void theLargeDataSetsRunFromInitsPipeline() throws Exception {
    Path json = SharedData.file("flights/flights-20k.json");
    Path arrow = SharedData.file("flights/flights-200k.arrow");
    Path parquet = SharedData.file("flights/flights-3m.parquet");
    Path idx = SharedData.file("fashion-mnist/train-images-idx3-ubyte.gz").getParent();

    // fashion-mnist as its example converts it, the first 600 training images (and 1 test image).
    Path repo = MillraceProcess.repositoryRoot();
    var convert = new ProcessBuilder(repo.resolve("pipelines/examples/fashion-mnist/convert.sh").toString(),
        idx.toString(), dir.resolve("fashion-mnist").toString(), "600", "1").directory(repo.toFile())
        .redirectErrorStream(true);
    convert.environment().put("MILLRACE_NO_BUILD", "1");
    Process p = convert.start();
    String converted = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), converted);
    Path fashion = dir.resolve("fashion-mnist/train.parquet");

    // name, file, label, epochs, what init says, a line the YAML must hold
    record Large(String name, Path file, String label, String epochs, String says, String holds) {}
    var cases = List.of(
        new Large("flights-json", json, "delay", "3", "20000 rows, 5 columns (json); label 'delay' (int, regression)",
            "exclude: [\"date\"]"),
        new Large("flights-arrow", arrow, "delay", "1", "200000 rows, 3 columns (arrow); label 'delay' (int, regression)",
            "batch_size: 128"),
        new Large("flights-parquet", parquet, "delay", null,
            "3000000 rows, 5 columns (parquet); label 'delay' (int, regression)", "batch_size: 512"),
        new Large("fashion-mnist", fashion, "label", "3", "600 rows, 785 columns (parquet); label 'label' (string,"
            + " classification)", "classes: [\"Ankle boot\", \"Bag\", \"Coat\", \"Dress\", \"Pullover\", \"Sandal\","
            + " \"Shirt\", \"Sneaker\", \"T-shirt/top\", \"Trouser\"]"));
    var running = new LinkedHashMap<Large, MillraceProcess.Running>();
    try {
      for (Large c : cases) {
        Path out = dir.resolve(c.name());
        Path yaml = out.resolve("pipeline.yaml");
        var args = new ArrayList<>(List.of("init", c.file().toString(), "--label", c.label(), "--out", yaml.toString()));
        if (c.epochs() != null) {
          args.addAll(List.of("--epochs", c.epochs()));
        }
        var init = new MillraceProcess(out).run(args.toArray(String[]::new));
        assertEquals(0, init.code(), c + ": " + init);
        assertTrue(init.out().contains(c.says()), init.toString());
        String text = Files.readString(yaml);
        assertTrue(text.contains(c.holds()), text);
        assertTrue(text.contains("features:\n        auto: true") && text.contains("missing_label: fail"), text);
        Path relocated = Cli.relocate(yaml, out);
        if (c.name().equals("flights-parquet")) {
          // Checked, not run: its bounded subsets (the same flights, 20k and 200k rows) run whole above.
          assertTrue(text.contains("epochs: 3 ") && text.contains("exclude: [\"date\"]"), text);
          assertTrue(text.contains("input: \"" + parquet + "\""), text);
        } else {
          running.put(c, new MillraceProcess(out).start("run", relocated.toString()));
        }
      }
      Map<String, String> outcomes = new LinkedHashMap<>();
      for (var e : running.entrySet()) {
        MillraceProcess.Result r = e.getValue().await(Duration.ofMinutes(8));
        String outcome = outcome(r, dir.resolve(e.getKey().name()).resolve("registry"));
        outcomes.put(e.getKey().name(), outcome);
        if (outcome.startsWith("exit") || outcome.startsWith("no blessing") || outcome.startsWith("blessed, but")) {
          throw new AssertionError(e.getKey().name() + ": " + outcome + "\n" + r);
        }
      }
      // A classifier on 10 classes clears its bound; the flights regressions are pushed or say why not.
      assertEquals("pushed", outcomes.get("fashion-mnist"), outcomes.toString());
    } finally {
      for (var r : running.values()) {
        r.close();
      }
    }
  }
}
