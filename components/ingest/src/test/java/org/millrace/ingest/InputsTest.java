package org.millrace.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

/** Versions, pre-split inputs, file:// URIs and bad UTF-8, through the executor. */
class InputsTest {
  @TempDir
  Path dir;

  Map<String, Object> run(Map<String, Object> params, Path out) throws Exception {
    return ExampleGenRuns.properties(dir, params, out);
  }

  Path write(String rel, String text) throws Exception {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  static String rows(String prefix, int n) {
    var sb = new StringBuilder("a,b\n");
    for (int i = 0; i < n; i++) {
      sb.append(prefix).append(i).append(',').append(i).append('\n');
    }
    return sb.toString();
  }

  @Test
  void theSpanAndVersionReadAreRecordedOnTheExamples() throws Exception {
    write("lake/span-1/v-1/data.csv", rows("s1v1-", 3));
    write("lake/span-2/v-1/data.csv", rows("s2v1-", 4));
    write("lake/span-2/v-2/data.csv", rows("s2v2-", 5));
    String pattern = dir.resolve("lake") + "/span-{SPAN}/v-{VERSION}/*.csv";
    var latest = run(Map.of("input", pattern), dir.resolve("o1"));
    assertEquals(2L, latest.get("span"));
    assertEquals(2L, latest.get("version"));
    assertEquals(5L, latest.get("rows_read"));
    var pinned = run(Map.of("input", pattern, "version", 1), dir.resolve("o2"));
    assertEquals(1L, pinned.get("version"));
    assertEquals(4L, pinned.get("rows_read"));
    var range = run(Map.of("input", pattern, "span_range", List.of(1, 2)), dir.resolve("o3"));
    assertEquals("1,2", range.get("spans"));
    assertEquals("1,2", range.get("versions"));
    assertEquals(8L, range.get("rows_read"));
    var missing = assertThrows(IllegalArgumentException.class,
        () -> run(Map.of("input", pattern, "span", 1, "version", 2), dir.resolve("o4")));
    assertEquals("input version expected one of [1] in span 1 for pattern '" + pattern + "', got missing version 2",
        missing.getMessage());
    var fingerprint = ExampleGenExecutor.fingerprint(ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input", pattern)), ExecutionContext.standalone("ingest", dir, List.of()));
    assertTrue(fingerprint.startsWith("spans=[2] versions=[2]\n" + dir.resolve("lake/span-2/v-2/data.csv")),
        fingerprint);
  }

  @Test
  void preSplitInputsKeepEachFileInItsSplit() throws Exception {
    for (int span = 1; span <= 2; span++) {
      write("lake/span-" + span + "/train-0.csv", rows("t" + span + "-", 10));
      write("lake/span-" + span + "/train-1.csv", rows("u" + span + "-", 5));
      write("lake/span-" + span + "/eval-0.csv", rows("e" + span + "-", 4));
    }
    String lake = dir.resolve("lake").toString();
    Path out = dir.resolve("out");
    var r = run(Map.of("input_splits", Map.of("train", lake + "/span-{SPAN}/train-*.csv",
        "eval", lake + "/span-{SPAN}/eval-*.csv")), out);
    assertEquals(2L, r.get("span"));
    assertEquals("eval,train", r.get("split_names"));
    assertEquals(15L, r.get("row_count_train"));
    assertEquals(4L, r.get("row_count_eval"));
    var eval = ExamplesIO.readAll(out.resolve("Split-eval"));
    for (int i = 0; i < eval.rowCount(); i++) {
      assertTrue(((String) eval.row(i).get("a")).startsWith("e2-"), eval.row(i).toString());
    }
    var train = ExamplesIO.readAll(out.resolve("Split-train"));
    for (int i = 0; i < train.rowCount(); i++) {
      String a = (String) train.row(i).get("a");
      assertTrue(a.startsWith("t2-") || a.startsWith("u2-"), a);
    }
    var canonical = ParameterBinder.toMap(ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input_splits", Map.of("train", "x.csv"))));
    ParameterBinder.bind(ExampleGenParams.class, canonical); // the stored form binds again
  }

  @Test
  void preSplitInputErrors() throws Exception {
    write("lake/span-1/train.csv", rows("t", 3));
    write("lake/span-2/train.csv", rows("t", 3));
    write("lake/span-1/eval.csv", rows("e", 3));
    String lake = dir.resolve("lake").toString();
    var none = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input_splits", Map.of(
        "train", lake + "/span-{SPAN}/train.csv", "test", lake + "/span-{SPAN}/test-*.csv")), dir.resolve("o1")));
    assertEquals("input_splits.test: input expected files matching '" + lake + "/span-{SPAN}/test-*.csv', got none",
        none.getMessage());
    var apart = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input_splits", Map.of(
        "train", lake + "/span-{SPAN}/train.csv", "eval", lake + "/span-{SPAN}/eval.csv")), dir.resolve("o2")));
    assertEquals("input_splits expected the same spans and versions for every split, got eval spans [1] versions [0] ('"
        + lake + "/span-{SPAN}/eval.csv'), train spans [2] versions [0] ('" + lake + "/span-{SPAN}/train.csv')."
        + " Choose the span with span or span_range.", apart.getMessage());
    var pinned = run(Map.of("input_splits", Map.of("train", lake + "/span-{SPAN}/train.csv",
        "eval", lake + "/span-{SPAN}/eval.csv"), "span", 1), dir.resolve("o3"));
    assertEquals(1L, pinned.get("span"));
    var both = assertThrows(ParameterException.class, () -> ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input_splits", Map.of("train", "t.csv"), "split_ratios", Map.of("train", 1))));
    assertEquals("input_splits expected no split_ratios or split_by (each split comes from its own pattern), got"
        + " split_ratios", both.getMessage());
    var splitBy = assertThrows(ParameterException.class, () -> ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input_splits", Map.of("train", "t.csv"), "split_by", "a")));
    assertTrue(splitBy.getMessage().endsWith("got split_by"), splitBy.getMessage());
    var input = assertThrows(ParameterException.class, () -> ParameterBinder.bind(ExampleGenParams.class,
        Map.of("input_splits", Map.of("train", "t.csv"), "input", "x.csv")));
    assertEquals("input and input_splits expected at most one, got both", input.getMessage());
    var same = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input_splits", Map.of(
        "train", lake + "/span-1/*.csv", "eval", lake + "/span-1/eval.csv")), dir.resolve("o4")));
    assertEquals("input_splits expected each file in one split, got " + lake + "/span-1/eval.csv in both eval and train",
        same.getMessage());
  }

  @Test
  void hadoopFilesystemUrisAreReadThroughHadoop() throws Exception {
    // A Hadoop filesystem URI: viewfs://lake/, whose mount table points at local directories, read
    // through Beam's Hadoop filesystem exactly as hdfs:// or s3a:// would be.
    write("hadoop/span-1/a.csv", rows("x", 4));
    write("hadoop/span-2/a.csv", rows("x", 5));
    String conf = "[{\"fs.defaultFS\": \"viewfs://lake/\", \"fs.viewfs.mounttable.lake.link./data\": \""
        + dir.resolve("hadoop").toUri() + "\"}]";
    var p = ParameterBinder.bind(ExampleGenParams.class, Map.of("input", "viewfs://lake/data/span-{SPAN}/*.csv"));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(), Map.of("examples", dir.resolve("viewfs")), p);
    var r = new ExampleGenExecutor().execute(in, ExecutionContext.standalone("ingest", dir,
        List.of("--hdfsConfiguration=" + conf))).properties(ExampleGenComponent.EXAMPLES);
    assertEquals(2L, r.get("span"));
    assertEquals(5L, r.get("rows_read"));
    assertEquals(5L, (Long) r.get("row_count_train") + (Long) r.get("row_count_eval"));
  }

  @Test
  void fileUrisAreRead() throws Exception {
    write("lake/span-3/data.csv", rows("x", 6));
    var r = run(Map.of("input", "file://" + dir.resolve("lake") + "/span-{SPAN}/*.csv"), dir.resolve("out"));
    assertEquals(3L, r.get("span"));
    assertEquals(6L, r.get("rows_read"));
    var single = run(Map.of("input", dir.resolve("lake/span-3/data.csv").toUri().toString()), dir.resolve("o2"));
    assertEquals(6L, single.get("rows_read"));
  }

  static byte[] bytes(String... parts) {
    var out = new ByteArrayOutputStream();
    for (String p : parts) {
      if (p.equals("<FF>")) {
        out.write(0xFF);
      } else {
        out.writeBytes(p.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  @Test
  void badUtf8InAJsonLineIsOneBadRow() throws Exception {
    var sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("{\"id\": ").append(i).append(", \"name\": \"n").append(i).append("\"}\n");
    }
    String good = sb.toString();
    Path file = dir.resolve("bad.jsonl");
    // line 21 starts at byte good.length(); the bad byte follows {"id": 20, "name": "x (21 bytes)
    Files.write(file, bytes(good, "{\"id\": 20, \"name\": \"x", "<FF>", "y\"}\n", "{\"id\": 21, \"name\": \"ok\"}\n"));
    long offset = good.getBytes(StandardCharsets.UTF_8).length + 21;
    var e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", file.toString()), dir.resolve("o1")));
    assertEquals(file + " line 21: expected UTF-8 text, got invalid byte 0xFF at byte offset " + offset + " (byte 22 of"
        + " the line). Fix the data, or set bad_rows: quarantine to set such rows aside.", e.getMessage());

    Path out = dir.resolve("q");
    var r = run(Map.of("input", file.toString(), "bad_rows", "quarantine"), out);
    assertEquals(22L, r.get("rows_read"));
    assertEquals(1L, r.get("rejected_rows"));
    assertEquals(21L, (Long) r.get("row_count_train") + (Long) r.get("row_count_eval"));
    assertEquals(List.of("{\"file\":\"" + file + "\",\"line\":21,\"reason\":\"expected UTF-8 text, got invalid byte 0xFF"
        + " at byte offset " + offset + " (byte 22 of the line)\",\"row\":\"{\\\"id\\\": 20, \\\"name\\\": \\\"x\\\\xFFy"
        + "\\\"}\"}"), Files.readAllLines(out.resolve(ExampleGenExecutor.QUARANTINE)));
  }

  @Test
  void badUtf8InACsvRecordIsOneBadRow() throws Exception {
    Path file = dir.resolve("bad.csv");
    String good = rows("r", 20);
    Files.write(file, bytes(good, "caf", "<FF>", ",20\n", "ok,21\n"));
    long offset = good.getBytes(StandardCharsets.UTF_8).length + 3;
    var e = assertThrows(IllegalArgumentException.class, () -> run(Map.of("input", file.toString()), dir.resolve("o1")));
    assertEquals(file + " line 22: column 'a' (1) expected UTF-8 text, got invalid byte 0xFF at byte offset " + offset
        + " (byte 4 of the record). Fix the data, or set bad_rows: quarantine to set such rows aside.", e.getMessage());
    Path out = dir.resolve("q");
    var r = run(Map.of("input", file.toString(), "bad_rows", "quarantine"), out);
    assertEquals(22L, r.get("rows_read"));
    assertEquals(1L, r.get("rejected_rows"));
    assertEquals(List.of("{\"file\":\"" + file + "\",\"line\":22,\"reason\":\"column 'a' (1) expected UTF-8 text, got invalid"
        + " byte 0xFF at byte offset " + offset + " (byte 4 of the record)\",\"row\":\"caf\\\\xFF,20\"}"),
        Files.readAllLines(out.resolve(ExampleGenExecutor.QUARANTINE)));
  }
}
