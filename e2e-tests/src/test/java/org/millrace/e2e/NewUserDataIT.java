package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's own file through the real launcher: saved by Excel (byte-order mark, CRLF), with a
 * stray non-number in a numeric column, with a header alone, or a numeric target given as classes.
 */
class NewUserDataIT {
  static final Path PENGUINS = Path.of("examples/data/penguins/penguins.csv");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** The penguins pipeline reading {@code csv} (and its quarantine settings), its outputs under the test's folder. */
  Path pipeline(Path csv, String ingestExtra) throws Exception {
    return pipeline(dir, csv, ingestExtra);
  }

  static Path pipeline(Path dir, Path csv, String ingestExtra) throws Exception {
    Files.createDirectories(dir);
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml").toAbsolutePath(), dir);
    String text = Files.readString(yaml).replace("input: examples/data/penguins/penguins.csv",
        "input: " + csv + ingestExtra);
    assertTrue(text.contains(csv.toString()), text);
    return Files.writeString(yaml, text);
  }

  @Test
  void anExcelCsvWithAByteOrderMarkAndCrlfRunsAsIs() throws Exception {
    List<String> lines = Files.readAllLines(PENGUINS);
    Path csv = dir.resolve("penguins-excel.csv");
    byte[] body = (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[body.length + 3];
    bytes[0] = (byte) 0xEF;
    bytes[1] = (byte) 0xBB;
    bytes[2] = (byte) 0xBF;
    System.arraycopy(body, 0, bytes, 3, body.length);
    Files.write(csv, bytes);
    var r = new MillraceProcess(dir).run("run", pipeline(csv, "").toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("BLESSED") || r.out().contains("blessed"), r.toString());
  }

  @Test
  void aStrayNonNumberIsABadRowOfANumericColumn() throws Exception {
    List<String> lines = Files.readAllLines(PENGUINS);
    String[] cells = lines.get(10).split(",", -1);
    cells[2] = "abc"; // culmen_length_mm of the row on line 11
    lines.set(10, String.join(",", cells));
    Path csv = Files.write(dir.resolve("penguins-stray.csv"), lines);

    var failed = new MillraceProcess(dir).run("run", pipeline(csv, "").toString());
    assertEquals(1, failed.code(), failed.toString());
    String all = failed.out() + failed.err();
    assertTrue(all.contains(csv + " line 11") && all.contains("culmen_length_mm") && all.contains("abc"),
        "names file, line, column and value: " + failed);

    Path q = dir.resolve("q");
    var quarantined = new MillraceProcess(q).run("run",
        pipeline(q, csv, "\n      bad_rows: quarantine").toString());
    assertEquals(0, quarantined.code(), quarantined.toString());
    Path rejected;
    try (Stream<Path> s = Files.walk(q.resolve("root"))) {
      rejected = s.filter(p -> p.endsWith(Path.of("quarantine", "rejected.jsonl"))).findFirst().orElseThrow();
    }
    // The console says so, as it does for dropped labels (the run used to succeed without a word).
    assertTrue((quarantined.out() + quarantined.err()).contains("ExampleGen: 1 of 344 rows quarantined as bad to"
        + " quarantine/rejected.jsonl in its examples artifact (bad_rows: quarantine)"), quarantined.toString());
    List<String> entries = Files.readAllLines(rejected);
    assertEquals(1, entries.size(), entries.toString());
    JsonNode entry = JSON.readTree(entries.get(0));
    assertEquals(11, entry.get("line").asInt());
    assertTrue(entry.get("reason").asText().contains("culmen_length_mm"), entry.toString());

    // init reads the whole file as ExampleGen does: it finds the row and writes a pipeline that runs.
    Path i = dir.resolve("i");
    Path yaml = i.resolve("stray.yaml");
    var init = new MillraceProcess(i).run("init", csv.toString(), "--label", "species", "--out", yaml.toString(),
        "--epochs", "2");
    assertEquals(0, init.code(), init.toString());
    assertTrue(init.out().contains("init: 1 row does not fit its columns (the first, line 11: column 'culmen_length_mm'"
        + " (3) expected float, got 'abc'): bad_rows: quarantine sets them aside"), init.toString());
    String text = Files.readString(yaml);
    assertTrue(text.contains("bad_rows: quarantine          # 1 row does not fit its columns (the first, line 11:"),
        text);
    Files.writeString(yaml, text.replaceAll("pipeline_root: .*", "pipeline_root: " + i.resolve("root")));
    var ran = new MillraceProcess(i).run("run", yaml.toString());
    assertEquals(0, ran.code(), ran.toString());
    assertTrue((ran.out() + ran.err()).contains("ExampleGen: 1 of 344 rows quarantined as bad"), ran.toString());
    // The examples artifact the notice points into is the one the summary lists, and holds the row.
    String examples = ran.out().lines().filter(l -> l.startsWith("ingest ")).findFirst().orElseThrow().trim()
        .replaceAll(".* ", "");
    assertEquals(1, Files.readAllLines(Path.of(examples).resolve("quarantine/rejected.jsonl")).size(), ran.toString());
  }

  @Test
  void aNumericLabelGivenAsClassesPointsToRegression() throws Exception {
    Path yaml = dir.resolve("diabetes.yaml");
    var init = new MillraceProcess(dir).run("init", "examples/data/diabetes/diabetes.csv", "--label", "progression",
        "--out", yaml.toString(), "--epochs", "1");
    assertEquals(0, init.code(), init.toString());
    String text = Files.readString(yaml);
    assertTrue(text.contains("task: regression}"), text);
    Files.writeString(yaml, text.replace("task: regression}", "task: classification}")
        .replace("pipeline_root: .millrace/pipelines/diabetes", "pipeline_root: " + dir.resolve("root")));
    var r = new MillraceProcess(dir).run("run", yaml.toString());
    assertEquals(1, r.code(), r.toString());
    String all = r.out() + r.err();
    assertTrue(all.contains("node transform FAILED: label 'progression' class '") && all.contains(
        " classes were fitted, all numbers ([") && all.contains(" more]): a numeric label with that many values is"
        + " usually a regression target. Fix: label: {feature: progression, task: regression}"), r.toString());
    // The reason alone on the console (it came wrapped: "PipelineExecutionException: java.lang.
    // IllegalArgumentException: ..."), the whole trace in the run's log.
    assertTrue(!all.contains("PipelineExecutionException") && !all.contains("java.lang."), r.toString());
    Path log = Path.of(all.lines().filter(l -> l.startsWith("log: ")).findFirst().orElseThrow().substring(5));
    String logged = Files.readString(log);
    assertTrue(logged.contains("node transform attempt 1/1 failed") && logged.contains("\tat org.millrace."), logged);
  }

  @Test
  void aHeaderOnlyFileIsAnIngestError() throws Exception {
    Path csv = Files.writeString(dir.resolve("header-only.csv"), Files.readAllLines(PENGUINS).get(0) + "\n");
    var r = new MillraceProcess(dir).run("run", pipeline(csv, "").toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue((r.out() + r.err()).contains(csv + ": expected data rows after the header to infer column types"
        + " from, got none (a header-only file)"), r.toString());
  }
}
