package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.pipelines.cli.InProcess.Out;

/** What {@code millrace init} writes for a file: label policy, classes, exclusions, task and threshold. */
class InitCommandTest {
  @TempDir
  Path dir;

  Out run(String... args) {
    return InProcess.run(args);
  }

  /** 60 rows: an id (one value per row), a number, a colour, and a label with 2 of 60 empty. */
  Path csv(String labelColumn, boolean numericLabel) throws Exception {
    var lines = new ArrayList<String>(List.of("id,x,colour," + labelColumn));
    for (int i = 0; i < 60; i++) {
      String label = i == 5 || i == 40 ? "" : numericLabel ? Integer.toString(i % 3) : i % 4 == 0 ? "b" : "a";
      lines.add("row-" + i + "," + (i * 0.5) + "," + (i % 2 == 0 ? "red" : "blue") + "," + label);
    }
    return Files.write(dir.resolve("data.csv"), lines);
  }

  @Test
  void classificationWithMissingLabelsAndAnIdentifier() throws Exception {
    Path out = dir.resolve("p.yaml");
    var r = run("init", csv("y", false).toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("60 rows, 4 columns (csv); label 'y' (string, classification)"), r.out());
    assertTrue(r.out().contains("2 rows have no 'y': missing_label: drop leaves them out"), r.out());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("      label: \"y\"\n      missing_label: drop "), yaml);
    assertTrue(yaml.contains("label: {feature: \"y\", task: classification, classes: [\"a\", \"b\"]}"), yaml);
    assertTrue(yaml.contains("exclude: [\"id\"]"), yaml);
    // 'a' is 44 of 58 labelled rows (0.76): the bound is a quarter of the way from there to 1.
    assertTrue(yaml.contains("{metric: accuracy, lower: 0.81}   # always predicting 'a' scores 0.76"), yaml);
    assertTrue(yaml.contains("pipeline: data\n"), yaml);

    var again = run("init", csv("y", false).toString(), "--label", "y", "--out", out.toString());
    assertEquals(2, again.code(), "an existing file is not overwritten without --force");
  }

  @Test
  void aBadValueIsABadRowUnlessTheRowHasNoLabel() throws Exception {
    // 300 rows: x numeric; one stray "abc" in a labelled row (a bad row for ExampleGen) and one in a row
    // without a label (missing_label's row, which ExampleGen drops before it types the row).
    var lines = new ArrayList<String>(List.of("x,y"));
    for (int i = 0; i < 300; i++) {
      lines.add((i == 100 || i == 200 ? "abc" : Double.toString(i * 0.5)) + "," + (i == 200 ? "" : i % 2 == 0 ? "a"
          : "b"));
    }
    Path data = Files.write(dir.resolve("stray.csv"), lines);
    Path out = dir.resolve("s.yaml");
    var r = run("init", data.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: 1 row does not fit its columns (the first, line 102: column 'x' (1) expected"
        + " float, got 'abc'): bad_rows: quarantine sets them aside"), r.out());
    assertTrue(r.out().contains("1 row has no 'y': missing_label: drop leaves them out"), r.out());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("missing_label: drop ") && yaml.contains("bad_rows: quarantine "), yaml);
    assertTrue(!r.out().contains("more than a tenth"), r.out());
  }

  @Test
  void moreThanATenthOfBadRowsIsSaidToFailTheRun() throws Exception {
    // Numbers in the first 1000 rows (the typing sample), text in the 200 after: 200 of 1200 rows are bad.
    var lines = new ArrayList<String>(List.of("x,y"));
    for (int i = 0; i < 1200; i++) {
      lines.add((i < 1000 ? Double.toString(i * 0.5) : "pending") + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("late.csv"), lines);
    var r = run("init", data.toString(), "--label", "y", "--out", dir.resolve("l.yaml").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: 200 rows do not fit their columns (the first, line 1002: column 'x' (1)"
        + " expected float, got 'pending'): bad_rows: quarantine sets them aside; more than a tenth of the rows, which"
        + " fails the run (max_rejected_fraction: 0.1): correct the data or the column's type"), r.out());
  }

  /**
   * A file separated by ", ": the names and text values keep their leading spaces (ExampleGen trims
   * numbers only), which init says, so that the user does not send "cat": "red" to a model whose
   * column is " cat" of " red" (answered as a missing value: an audit's silently wrong prediction).
   */
  @Test
  void namesAndTextWithSpacesAroundThemAreSaid() throws Exception {
    Path data = Files.writeString(dir.resolve("spaced.csv"), "x1, x2, cat, label\n1.0, 2.0, red, yes\n"
        + "2.0, 3.0, blue, no\n3.0, 1.0, red, no\n");
    var r = run("init", data.toString(), "--out", dir.resolve("sp.yaml").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: warning: [\" x2\",\" cat\",\" label\"] begin or end with spaces (is the file"
        + " separated by ', '?)"), r.out());
    assertTrue(r.out().contains("label ' label' (string, classification)") && r.out().contains("(by its name)"),
        r.out());
    var clean = run("init", csv("grade", true).toString(), "--label", "grade", "--out", dir.resolve("c.yaml").toString());
    assertTrue(!clean.out().contains("warning"), clean.out());
  }

  /** Numbers with a decimal comma in a ';'-separated export are text to ExampleGen: init says so. */
  @Test
  void numbersWithADecimalCommaAreSaid() throws Exception {
    Path data = Files.writeString(dir.resolve("euro.csv"), "x1;x2;label\n1,288;7;yes\n2,5;8;no\n-3,75;9;no\n");
    var r = run("init", data.toString(), "--out", dir.resolve("eu.yaml").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: warning: [\"x1\"] hold numbers written with a decimal comma ('"), r.out());
    // Every comma followed by three digits: a thousands separator as likely as a decimal comma.
    Path us = Files.writeString(dir.resolve("us.csv"), "x1,label\n\"1,288\",yes\n\"12,500\",no\n\"300\",no\n");
    var both = run("init", us.toString(), "--out", dir.resolve("us.yaml").toString());
    assertTrue(both.out().contains("hold numbers written with a comma, a decimal comma or a thousands separator"),
        both.out());
    assertTrue(!r.out().contains("\"x2\"") && !r.out().contains("\"label\"]"), r.out());
  }

  @Test
  void aBadRowsDescriptionStaysOnOneLineOfAYamlComment() {
    assertEquals("got 'a?b?c?d?e'", InitCommand.oneLine("got 'a\u2028b\u0085c\u0000d\ne'"));
    String longer = "x".repeat(159) + "\uD83D\uDE00" + "y";
    assertEquals("x".repeat(159) + "\uD83D\uDE00...", InitCommand.oneLine(longer));
  }

  @Test
  void intLabelsAreClassesInNumericOrderAndRegressionOnRequest() throws Exception {
    Path data = csv("grade", true);
    Path cls = dir.resolve("c.yaml");
    assertEquals(0, run("init", data.toString(), "--label", "grade", "--out", cls.toString()).code());
    assertTrue(Files.readString(cls).contains("task: classification, classes: [0, 1, 2]}"), Files.readString(cls));
    Path reg = dir.resolve("r.yaml");
    assertEquals(0, run("init", data.toString(), "--label", "grade", "--task", "regression", "--out", reg.toString())
        .code());
    String yaml = Files.readString(reg);
    assertTrue(yaml.contains("label: {feature: \"grade\", task: regression}"), yaml);
    assertTrue(yaml.contains("{metric: r2, lower: 0.0}"), yaml);
  }

  @Test
  void badArgumentsAreUsageErrors() throws Exception {
    Path data = csv("y", false);
    var r = run("init", data.toString(), "--label", "z");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--label expected one of the columns [id, x, colour, y] of " + data + ", got 'z'"),
        r.err());
    r = run("init", data.toString(), "--label", "colour", "--task", "regression");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--task regression expected a numeric label"), r.err());
    r = run("init", data.toString(), "--label", "y", "--task", "regresion");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--task expected one of [classification, regression], got 'regresion'"), r.err());
    // Any case is the same task; the YAML spells it in lower case.
    Path upper = data.resolveSibling("upper.yaml");
    assertEquals(0, run("init", data.toString(), "--label", "x", "--task", "REGRESSION", "--out", upper.toString())
        .code());
    assertTrue(Files.readString(upper).contains("task: regression"), Files.readString(upper));
  }

  @Test
  void jsonArraysAndGzipAreReadAsExampleGenReadsThemAndTheLabelDefaultsByName() throws Exception {
    // A JSON array on one line, gzip-compressed; 'Target' is the label by its name (any case).
    var json = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      json.append(i > 0 ? "," : "").append("{\"x\": ").append(i * 0.25).append(", \"Target\": ")
          .append(i % 7 == 0 ? "null" : Integer.toString(i * 100)).append(", \"z\": \"").append(i % 2).append("\"}");
    }
    Path file = dir.resolve("d.json.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(json.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path out = dir.resolve("j.yaml");
    var r = run("init", file.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("40 rows, 3 columns (json, gzip); label 'Target' (int, classification)"), r.out());
    assertTrue(r.out().contains("no --label given: 'Target' is the label (by its name)"), r.out());
    assertTrue(r.out().contains("6 rows have no 'Target'"), r.out());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("missing_label: drop"), yaml);
    assertTrue(yaml.contains("epochs: 30 ") && yaml.contains("batch_size: 32 "), yaml);

    // Without such a name, the last column; --task overrides.
    Path csv = Files.write(dir.resolve("e.csv"), List.of("a,b", "1,x", "2,y", "3,x"));
    r = run("init", csv.toString(), "--out", dir.resolve("e.yaml").toString(), "--task", "classification");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("label 'b' (string, classification)") && r.out().contains("(the last column)"), r.out());

    Path zip = Files.write(dir.resolve("f.csv.zip"), new byte[] {1});
    r = run("init", zip.toString(), "--label", "a");
    assertEquals(2, r.code());
    assertTrue(r.err().contains(zip + ": expected a file ExampleGen reads"), r.err());
  }

  /**
   * Whole numbers that identify rows are left out of the features: an id column, a camel-case
   * orderId, and pandas's unnamed index (0 to n-1); a measurement with a different whole number in
   * every row, a year per row from 1990, and a column named 'paid' are kept.
   */
  @Test
  void wholeNumberIdentifiersAreLeftOut() throws Exception {
    var lines = new ArrayList<String>(List.of("Unnamed: 0,customer_id,orderId,year,weight_g,paid,y"));
    for (int i = 0; i < 40; i++) {
      lines.add(i + "," + (1000 + 7 * i) + "," + (90_000 - 13 * i) + "," + (1990 + i) + "," + (3000 + 37 * i * i % 1001)
          + "," + (i % 3) + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("ids.csv"), lines);
    Path out = dir.resolve("ids.yaml");
    var r = run("init", data.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("exclude: [\"Unnamed: 0\",\"customer_id\",\"orderId\"]   # a different whole number"), yaml);
    assertTrue(yaml.contains(InitCommand.IDENTIFIER_REASON), yaml);
    assertTrue(r.out().contains(InitCommand.IDENTIFIER_REASON + "; left out (features: exclude)"), r.out());
    for (String kept : List.of("year", "weight_g", "paid")) {
      assertTrue(!yaml.lines().filter(l -> l.contains("exclude:")).findFirst().orElse("").contains("\"" + kept + "\""),
          kept + " expected kept:\n" + yaml);
    }
  }

  /**
   * Zip codes with leading zeros are read as text (column_types), not as numbers that lose their
   * zeros; whole numbers of different widths with a leading zero nowhere stay numbers.
   */
  @Test
  void codesWithLeadingZerosAreReadAsText() throws Exception {
    var lines = new ArrayList<String>(List.of("zip,rooms,y"));
    for (int i = 0; i < 60; i++) {
      lines.add(String.format("%05d", 2134 + (i % 7) * 1000) + "," + (1 + i % 9) + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("homes.csv"), lines);
    Path out = dir.resolve("homes.yaml");
    var r = run("init", data.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: [\"zip\"]: whole numbers written with leading zeros ('02134'): codes, read as"
        + " text (column_types)"), r.out());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("      column_types: {\"zip\": string}"), yaml);
    assertTrue(!yaml.contains("rooms\": string"), yaml);
  }

  /** A bool label written True/False (pandas) or TRUE/FALSE (Excel) has the classes Transform names: false, true. */
  @Test
  void aBoolLabelHasTheClassesTransformNames() throws Exception {
    var lines = new ArrayList<String>(List.of("x,Churn"));
    for (int i = 0; i < 40; i++) {
      lines.add(i + 0.5 + "," + (i % 4 == 0 ? "True" : i % 4 == 1 ? "TRUE" : "False"));
    }
    Path data = Files.write(dir.resolve("churn.csv"), lines);
    Path out = dir.resolve("churn.yaml");
    var r = run("init", data.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("classes: [\"false\", \"true\"]}"), yaml);
    // 20 of 40 rows true (True and TRUE together), 20 false: the majority is a half, not 'False' at 0.50 alone.
    assertTrue(yaml.contains("always predicting 'true' scores 0.50") || yaml.contains("always predicting 'false' scores 0.50"),
        yaml);
  }

  /**
   * Numbers missing as NULL (SQL), #N/A (Excel) or None (pandas) are missing values: the columns were
   * typed as text and left out as identifiers or one-hot encoded (5% NULL), or their rows bad rows
   * (under the typing's 1% tolerance). A text column holding "None" as a value keeps it.
   */
  @Test
  void missingNumbersWrittenAsNullOrNaAreMissingValues() throws Exception {
    var lines = new ArrayList<String>(List.of("income,age,score,pet,y"));
    for (int i = 0; i < 500; i++) {
      lines.add((i % 50 == 7 ? "NULL" : Integer.toString(20_000 + 37 * i)) + "," + (i % 20 == 0 ? "NULL"
          : Integer.toString(20 + i % 50)) + "," + (i == 100 ? "#N/A" : (i * 0.25) + "") + ","
          + (i % 3 == 0 ? "None" : i % 3 == 1 ? "cat" : "dog") + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("export.csv"), lines);
    Path out = dir.resolve("export.yaml");
    var r = run("init", data.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: [\"income\",\"age\"] hold \"NULL\" where a number is missing: null_values"
        + " reads it as missing") || r.out().contains("init: [\"age\",\"income\"] hold \"NULL\""), r.out());
    assertTrue(r.out().contains("init: [\"score\"] hold \"#N/A\" where a number is missing"), r.out());
    assertTrue(!r.out().contains("do not fit") && !r.out().contains("does not fit"), r.out());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("      null_values: [\"\", \"NA\", \"null\", \"#N/A\", \"NULL\"]"), yaml);
    assertTrue(!yaml.contains("exclude:"), "no number column left out:\n" + yaml);
    assertTrue(!yaml.contains("None"), "pet's None is a value, not a marker:\n" + yaml);

    // A marker a text column holds as a value is not taken (null_values is the file's): the label's "None"
    // stays a class, and the number column's "None" rows are bad rows as before.
    var damage = new ArrayList<String>(List.of("cost,damage"));
    for (int i = 0; i < 300; i++) {
      damage.add((i % 25 == 3 ? "None" : Integer.toString(100 + 7 * i)) + "," + (i % 3 == 0 ? "None" : i % 3 == 1
          ? "Minor" : "Major"));
    }
    Path claims = Files.write(dir.resolve("claims.csv"), damage);
    Path claimsYaml = dir.resolve("claims.yaml");
    var c = run("init", claims.toString(), "--label", "damage", "--out", claimsYaml.toString());
    assertEquals(0, c.code(), c.err());
    String written = Files.readString(claimsYaml);
    assertTrue(!written.contains("null_values") && written.contains("classes: [\"Major\", \"Minor\", \"None\"]"),
        written);
  }

  /** Markers are found in a number column of more distinct values than init counts (10,000). */
  @Test
  void markersAreFoundInALargeColumn() throws Exception {
    var lines = new ArrayList<String>(List.of("price,y"));
    for (int i = 0; i < 12_000; i++) {
      lines.add((i % 50 == 0 ? "#N/A" : (1000 + i * 1.5) + "") + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("prices.csv"), lines);
    Path out = dir.resolve("prices.yaml");
    var r = run("init", data.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: [\"price\"] hold \"#N/A\" where a number is missing"), r.out());
    assertTrue(!Files.readString(out).contains("exclude:"), Files.readString(out));
  }

  /**
   * A date column with several rows a day is left out (it was one-hot encoded); a text column that
   * is no date stays. A time stamp per row is left out as nearly one value per row, and named so
   * once: the console called it a date while the pipeline listed it with the identifiers.
   */
  @Test
  void datesAreLeftOut() throws Exception {
    var lines = new ArrayList<String>(List.of("when,stamp,created,colour,x,y"));
    for (int i = 0; i < 90; i++) {
      lines.add("2026-11-" + (1 + i / 10) + ",2026-11-0" + (1 + i / 30) + "T08:1" + (i % 3) + ":00Z,"
          + String.format("2026-10-01 10:%02d:%02d", i / 60, i % 60) + ","
          + (i % 2 == 0 ? "red" : "blue") + "," + (i * 0.5) + "," + (i % 3 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("dated.csv"), lines);
    Path out = dir.resolve("dated.yaml");
    var r = run("init", data.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("init: [\"when\",\"stamp\"]: " + InitCommand.DATE_REASON), r.out());
    assertTrue(r.out().contains("init: [\"created\"]: " + InitCommand.IDENTIFYING_REASON), r.out());
    assertEquals(1, r.out().split("\"created\"", -1).length - 1, r.out());
    String yaml = Files.readString(out);
    assertTrue(yaml.contains("exclude: [\"created\",\"when\",\"stamp\"]   # [\"created\"]: nearly one value per row"
        + " (or over 10000 values): an identifier or a date, not a feature; [\"when\",\"stamp\"]: dates: "), yaml);
  }

  /** Records with nested objects are named so, with what to do (it was "expected data rows after the header"). */
  @Test
  void nestedJsonIsNamedWithWhatToDo() throws Exception {
    Path data = Files.writeString(dir.resolve("n.jsonl"), "{\"a\":1,\"b\":{\"c\":2},\"label\":\"x\"}\n"
        + "{\"a\":2,\"b\":{\"c\":3},\"label\":\"y\"}\n");
    var r = run("init", data.toString(), "--out", dir.resolve("n.yaml").toString());
    assertEquals(2, r.code(), r.out());
    assertEquals("error: " + data + ": expected records ExampleGen can read, got none of 2 (the first, line 1: field 'b'"
        + " expected a string value, got a JSON object: ExampleGen reads flat records (strings, numbers, bools); flatten"
        + " it into fields of their own ('b.c') first)", r.err().strip());
  }

  /**
   * A Windows-1252 export (an ASCII header, 'Zürich' on a later line) is said to be no UTF-8, with what
   * to do, beside the count of rows set aside; the first line counts every row, those too. A UTF-16
   * file (Excel's 'Unicode Text') is named so.
   */
  @Test
  void anotherEncodingIsNamed() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    out.write("city,x,y\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (int i = 0; i < 30; i++) {
      out.write(((i == 7 ? "Z\u00fcrich" : "Basel") + "," + i + "," + (i % 2 == 0 ? "a" : "b") + "\n")
          .getBytes(java.nio.charset.Charset.forName("windows-1252")));
    }
    Path data = Files.write(dir.resolve("cities.csv"), out.toByteArray());
    var r = run("init", data.toString(), "--label", "y", "--out", dir.resolve("c.yaml").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("cities.csv: 30 rows (1 does not fit, below), 3 columns (csv)"), r.out());
    assertTrue(r.out().contains("init: warning: the file is not all UTF-8 text (line 9: ") && r.out().contains(
        "Save it as UTF-8 ('CSV UTF-8' in Excel); until then such rows are set aside"), r.out());

    Path utf16 = Files.write(dir.resolve("unicode.txt"), "city\tx\ty\nBasel\t1\ta\n".getBytes(
        java.nio.charset.StandardCharsets.UTF_16LE));
    byte[] withBom = new byte[(int) Files.size(utf16) + 2];
    withBom[0] = (byte) 0xFF;
    withBom[1] = (byte) 0xFE;
    System.arraycopy(Files.readAllBytes(utf16), 0, withBom, 2, withBom.length - 2);
    Path tsv = Files.write(dir.resolve("unicode.tsv"), withBom);
    var u = run("init", tsv.toString(), "--out", dir.resolve("u.yaml").toString());
    assertEquals(2, u.code(), u.out());
    assertTrue(u.err().contains("The file is UTF-16 (it begins with a byte order mark; Excel's 'Unicode Text'): save it"
        + " as UTF-8"), u.err());
  }

  /** The command in the file's first line can be pasted back into a shell: a label with a space is quoted. */
  @Test
  void theCommandInTheFilesFirstLineIsAShellCommand() throws Exception {
    var lines = new ArrayList<String>(List.of("x,Result: it's final"));
    for (int i = 0; i < 20; i++) {
      lines.add(i + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Path data = Files.write(dir.resolve("names.csv"), lines);
    Path out = dir.resolve("names.yaml");
    assertEquals(0, run("init", data.toString(), "--label", "Result: it's final", "--out", out.toString()).code());
    assertTrue(Files.readString(out).startsWith("# Written by `millrace init " + data
        + " --label 'Result: it'\\''s final'` from 20 rows"), Files.readString(out));
  }
}
