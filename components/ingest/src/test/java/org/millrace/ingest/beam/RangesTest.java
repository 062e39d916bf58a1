package org.millrace.ingest.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.TupleTagList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.beam.TempPart;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.ingest.csv.LineReader;

/** Files cut into many small ranges read the same rows, with the same line numbers, as one pass. */
class RangesTest {
  @TempDir
  Path dir;

  /** JSON lines with LF and CRLF ends, blank lines, escaped newlines inside strings, and one bad row. */
  static String jsonLines(int rows, long seed) {
    var rnd = new Random(seed);
    var sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      if (i % 97 == 5) {
        sb.append('\n'); // a blank line is not a record
      }
      String text = rnd.nextBoolean() ? "two\\nlines " + i : "plain " + i;
      String id = i == 1234 ? "\"x\"" : Integer.toString(i);
      sb.append("{\"id\": ").append(id).append(", \"text\": \"").append(text).append("\"}")
          .append(rnd.nextBoolean() ? "\n" : "\r\n");
    }
    return sb.toString();
  }

  static List<LineReader.Line> read(byte[] bytes, long from, long to, long line) throws Exception {
    var out = new ArrayList<LineReader.Line>();
    try (var r = new LineReader(new ByteArrayInputStream(bytes, (int) from, bytes.length - (int) from), from, line)) {
      while (r.position() < to) {
        LineReader.Line l = r.next();
        if (l == null) {
          break;
        }
        out.add(l);
      }
    }
    return out;
  }

  static String show(List<LineReader.Line> lines) {
    var sb = new StringBuilder();
    for (var l : lines) {
      sb.append(l.number()).append('@').append(l.offset()).append(':')
          .append(new String(l.bytes(), StandardCharsets.UTF_8)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void lineBoundariesCutAFileIntoRangesThatReadTheSameLines() throws Exception {
    byte[] bytes = jsonLines(3000, 3).getBytes(StandardCharsets.UTF_8);
    var cuts = LineReader.boundaries(new ByteArrayInputStream(bytes), 0, 1, 1009);
    assertTrue(cuts.size() > 50, "expected many cuts, got " + cuts.size());
    var pieces = new ArrayList<LineReader.Line>();
    long from = 0;
    long line = 1;
    for (long[] cut : cuts) {
      assertTrue(cut[0] - from >= 1009, "cuts at least a chunk apart");
      assertEquals('\n', bytes[(int) cut[0] - 1], "a cut follows a newline");
      pieces.addAll(read(bytes, from, cut[0], line));
      from = cut[0];
      line = cut[1];
    }
    pieces.addAll(read(bytes, from, Long.MAX_VALUE, line));
    assertEquals(show(read(bytes, 0, Long.MAX_VALUE, 1)), show(pieces));
  }

  @Test
  void smallRangesThroughTheParserGiveEveryRowOnceAndTrueLineNumbers() throws Exception {
    Path file = Files.writeString(dir.resolve("rows.jsonl"), jsonLines(3000, 4));
    var schema = DataSchema.of(Feature.of("id", FeatureType.INT, true), Feature.of("text", FeatureType.STRING, true));
    Path out = dir.resolve("out");
    var splits = List.of("eval", "train");
    List<String> temps = splits.stream().map(s -> ExamplesBeamIO.tempDir(out.resolve("Split-" + s))).toList();
    var p = BeamPipelines.create(List.of());
    var parsed = p.apply(Create.of(file.toString()).withCoder(StringUtf8Coder.of()))
        .apply(ParDo.of(new PlanRangesFn(schema.names(), "test", ',', org.millrace.api.data.InputFormat.JSONL, 4096)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TextRange.Coder.INSTANCE))
        .apply(Reshuffle.viaRandomKey())
        .apply(ParDo.of(new ParseRecordsFn(ParseSettings.of(schema, org.millrace.api.data.InputFormat.JSONL)
            .withSchemaSource("test").withNullValues(List.of("")).withSplits(Map.of("eval", 1, "train", 2), temps).withBatchSize(100)
            .withBadRows(BadRows.QUARANTINE).withQuarantineDir(dir.resolve("quarantine-temp").toString())
            .withMaxRecordBytes(1L << 20)))
            .withOutputTags(ParseRecordsFn.PARTS, TupleTagList.of(ParseRecordsFn.REJECTED)));
    parsed.get(ParseRecordsFn.REJECTED).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    var parts = parsed.get(ParseRecordsFn.PARTS).setCoder(KvCoder.of(StringUtf8Coder.of(), TempPart.Coder.INSTANCE));
    for (int i = 0; i < splits.size(); i++) {
      String split = splits.get(i);
      parts.apply("Select-" + split, Filter.by(kv -> kv.getKey().equals(split)))
          .apply("Parts-" + split, Values.create()).setCoder(TempPart.Coder.INSTANCE)
          .apply("Finalize-" + split, ExamplesBeamIO.finalizeParts(out.resolve("Split-" + split), temps.get(i), 0));
    }
    BeamPipelines.run(p);

    var seen = new java.util.BitSet();
    int parts0 = 0;
    for (String split : splits) {
      parts0 += ExamplesIO.parts(out.resolve("Split-" + split)).size();
      Batch b = ExamplesIO.readAll(out.resolve("Split-" + split));
      for (int r = 0; r < b.rowCount(); r++) {
        int id = ((Long) b.row(r).get("id")).intValue();
        assertTrue(!seen.get(id), "row " + id + " read twice");
        seen.set(id);
        assertTrue(((String) b.row(r).get("text")).endsWith(" " + id), "row " + id + " kept its text");
      }
    }
    assertTrue(parts0 > 10, "many ranges, so many parts: " + parts0);
    assertEquals(2999, seen.cardinality());
    assertTrue(!seen.get(1234));
    // The bad row's line number counts every line before it, blank ones included, across ranges.
    long line = jsonLines(1234, 4).split("\n", -1).length;
    try (var files = Files.list(dir.resolve("quarantine-temp"))) {
      String quarantined = Files.readString(files.findFirst().orElseThrow());
      assertTrue(quarantined.contains("\"line\":" + line + ","), line + " in " + quarantined);
    }
  }
}
