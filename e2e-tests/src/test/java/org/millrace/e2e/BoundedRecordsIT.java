package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.format.StatisticsModel;

/**
 * Records longer than {@code max_record_bytes} through the real launcher, in a JVM whose heap is
 * smaller than the input: one stray quote near the start of a CSV makes the rest of the file one
 * record, which must be a bad row naming the line the quote opened on — not an OutOfMemoryError.
 */
class BoundedRecordsIT {
  static final String HEAP = "-Xmx160m";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** A CSV: a header, {@code rows} good rows, the same again after {@code middle}, streamed to disk. */
  static void write(Path csv, int rowsBefore, String middle, long fillerRows) throws Exception {
    byte[] row = "7,alpha,3.25\n".getBytes(StandardCharsets.US_ASCII);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      out.write("id,name,x\n".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < rowsBefore; i++) {
        out.write(row);
      }
      out.write(middle.getBytes(StandardCharsets.US_ASCII));
      for (long i = 0; i < fillerRows; i++) {
        out.write(row);
      }
    }
  }

  Path pipeline(Path csv, String ingestParameters) throws Exception {
    String yaml = "pipeline: bounded\n"
        + "pipeline_root: " + dir.resolve("root") + "\n"
        + "nodes:\n"
        + "  ingest:\n"
        + "    component: ExampleGen\n"
        + "    parameters: {input: " + csv + ", " + ingestParameters + "}\n";
    return Files.writeString(dir.resolve("pipeline-" + csv.getFileName() + ".yaml"), yaml);
  }

  @Test
  void aStrayQuoteInAFileBiggerThanTheHeapFailsNamingTheLineItOpenedOn() throws Exception {
    Path csv = dir.resolve("stray-quote.csv");
    // ~260 MB, well over the child's 160 MB heap: without a bound, the rest of the file is buffered.
    write(csv, 2, "3,\"beta,1.5\n", 21_000_000L);
    assertTrue(Files.size(csv) > 250L << 20, "the file must be well over the 160 MB heap: " + Files.size(csv));
    var cli = new MillraceProcess(dir).env("MILLRACE_JAVA_OPTS", HEAP);
    var r = cli.run(Duration.ofMinutes(4), "run", pipeline(csv, "max_record_bytes: 1048576").toString());
    assertEquals(1, r.code(), r.toString());
    String all = r.out() + r.err();
    assertTrue(all.contains(csv + " line 4: record longer than max_record_bytes (1048576 bytes"), r.toString());
    assertTrue(all.contains("the quoted field 2 opened on line 4 is never closed"), r.toString());
    assertFalse(all.contains("OutOfMemoryError"), r.toString());
    assertFalse(all.contains("NegativeArraySizeException"), r.toString());
  }

  @Test
  void aTooLongRecordIsQuarantinedAsAnExcerptAndIngestGoesOn() throws Exception {
    Path csv = dir.resolve("two-stray-quotes.csv");
    // A quote opened on line 4 closes 2 MB later: one bad record of ~2 MB (limit 1 MB); the rows after it are read.
    String bad = "4,\"gamma" + "\n8,delta,1.0".repeat(200_000) + "\",2.0\n";
    write(csv, 2, bad, 1000);
    var cli = new MillraceProcess(dir).env("MILLRACE_JAVA_OPTS", HEAP);
    var r = cli.run(Duration.ofMinutes(3), "run", pipeline(csv,
        "max_record_bytes: 1048576, bad_rows: quarantine, max_rejected_fraction: 0.01").toString());
    assertEquals(0, r.code(), r.toString());
    Path quarantine;
    try (Stream<Path> s = Files.walk(dir.resolve("root"))) {
      quarantine = s.filter(p -> p.endsWith(Path.of("quarantine", "rejected.jsonl"))).findFirst().orElseThrow(
          () -> new AssertionError("no quarantine file under " + dir.resolve("root") + "\n" + r));
    }
    List<String> lines = Files.readAllLines(quarantine);
    assertEquals(1, lines.size(), "one bad record: " + lines.size() + " entries");
    JsonNode entry = JSON.readTree(lines.get(0));
    assertEquals(4, entry.get("line").asInt());
    assertTrue(entry.get("reason").asText().startsWith("record longer than max_record_bytes (1048576 bytes"),
        entry.toString());
    String row = entry.get("row").asText();
    assertTrue(row.startsWith("4,\"gamma\n8,delta,1.0") && row.endsWith(" more bytes]") && row.length() < 1200,
        "a truncated excerpt of the record: " + row.length() + " chars");
    // Every good row before and after the bad record was read: 2 + 1000.
    Path examples = quarantine.getParent().getParent();
    long rows = 0;
    try (Stream<Path> splits = Files.list(examples)) {
      for (Path split : splits.filter(p -> p.getFileName().toString().startsWith("Split-")).toList()) {
        long[] n = {0};
        ExamplesIO.forEachBatchInSplit(split, b -> n[0] += b.rowCount());
        rows += n[0];
      }
    }
    assertEquals(1002, rows);
  }

  @Test
  void anOutOfRangeLimitIsAUsageErrorNamingTheParameter() throws Exception {
    Path csv = dir.resolve("small.csv");
    write(csv, 3, "", 0);
    var r = new MillraceProcess(dir).run("run", pipeline(csv, "max_record_bytes: 0").toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue((r.out() + r.err()).contains("max_record_bytes expected a number of bytes in [1, 2147483631], got 0"),
        r.toString());
  }

  @Test
  void longValuesAreCountedInBoundedMemoryByStatisticsGen() throws Exception {
    // 500 distinct values of 400,000 characters: 200 MB of text, more than the child's heap.
    Path csv = dir.resolve("long-values.csv");
    int rows = 500;
    int length = 400_000;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
      out.write("id,text\n".getBytes(StandardCharsets.US_ASCII));
      byte[] filler = "y".repeat(length - 8).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < rows; i++) {
        out.write((i + ",").getBytes(StandardCharsets.US_ASCII));
        out.write(String.format("%08d", i).getBytes(StandardCharsets.US_ASCII));
        out.write(filler);
        out.write('\n');
      }
    }
    String yaml = "pipeline: long-values\n"
        + "pipeline_root: " + dir.resolve("root") + "\n"
        + "nodes:\n"
        + "  ingest:\n"
        + "    component: ExampleGen\n"
        + "    parameters: {input: " + csv + ", batch_size: 8}\n"
        + "  statistics:\n"
        + "    component: StatisticsGen\n"
        + "    inputs: {examples: ingest.examples}\n";
    Path pipeline = Files.writeString(dir.resolve("long-values.yaml"), yaml);
    var r = new MillraceProcess(dir).env("MILLRACE_JAVA_OPTS", HEAP).run(Duration.ofMinutes(4), "run",
        pipeline.toString());
    assertEquals(0, r.code(), r.toString());
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir.resolve("root"))) {
      files = s.filter(p -> p.getFileName().toString().equals(StatisticsModel.FILE)).toList();
    }
    assertEquals(2, files.size(), "train and eval: " + files);
    long unique = 0;
    for (Path file : files) {
      var text = StatisticsModel.read(file.getParent().getParent(), file.getParent().getFileName().toString()
          .replace("Split-", "")).feature("text").orElseThrow().categorical();
      unique += text.unique();
      assertTrue(text.exact(), "exact counts");
      text.counts().keySet().forEach(k -> assertTrue(k.length() <= 1024, k.length() + " chars"));
      assertEquals(length, text.averageLength(), 1e-9);
    }
    assertEquals(rows, unique, "every value distinct, counted exactly in its split");
  }
}
