package org.millrace.ingest.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.JsonLines;
import org.millrace.ingest.csv.RowTyper;
import org.millrace.ingest.csv.SchemaInference;

/**
 * Parses one CSV file per element into batches of {@code batchSize} rows, each routed to a split
 * by a stable hash of the row (or of the {@code splitBy} column). Bad rows fail the bundle with a
 * message naming file, line, column and value, or go to the {@link #REJECTED} output as JSON.
 */
public final class ParseCsvFn extends DoFn<String, KV<String, Batch>> {
  public static final TupleTag<KV<String, Batch>> BATCHES = new TupleTag<>() {};
  public static final TupleTag<String> REJECTED = new TupleTag<>() {};
  public static final String NAMESPACE = "millrace.ingest";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSchema schema;
  private final String schemaSource;
  private final char delimiter;
  private final List<String> nullValues;
  private final List<String> splits;
  private final List<Integer> ratios;
  private final int splitBy;
  private final int batchSize;
  private final boolean quarantine;
  private final String format;
  private final Counter rowsRead = Metrics.counter(NAMESPACE, "rows_read");
  private final Counter rowsRejected = Metrics.counter(NAMESPACE, "rows_rejected");

  public ParseCsvFn(DataSchema schema, String schemaSource, char delimiter, List<String> nullValues,
      Map<String, Integer> splitRatios, String splitBy, int batchSize, boolean quarantine, String format) {
    this.schema = schema;
    this.schemaSource = schemaSource;
    this.delimiter = delimiter;
    this.nullValues = List.copyOf(nullValues);
    this.splits = List.copyOf(splitRatios.keySet());
    this.ratios = List.copyOf(splitRatios.values());
    this.splitBy = splitBy == null ? -1 : schema.indexOf(splitBy);
    if (splitBy != null && this.splitBy < 0) {
      throw new IllegalArgumentException("split_by expected one of the columns " + schema.names() + ", got '"
          + splitBy + "'");
    }
    this.batchSize = batchSize;
    this.quarantine = quarantine;
    this.format = format;
  }

  @ProcessElement
  public void process(@Element String file, MultiOutputReceiver out) throws Exception {
    var typer = new RowTyper(schema, Set.copyOf(nullValues));
    var builders = new LinkedHashMap<String, BatchBuilder>();
    var counters = new LinkedHashMap<String, Counter>();
    for (String s : splits) {
      builders.put(s, new BatchBuilder(schema, Math.min(batchSize, 1024)));
      counters.put(s, Metrics.counter(NAMESPACE, "rows_" + s));
    }
    int total = ratios.stream().mapToInt(Integer::intValue).sum();
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
      RecordSource source = format.equals("jsonl") ? jsonSource(in)
          : format.equals("arrow") ? arrowSource(file) : csvSource(in, file);
      CsvRecord r;
      while ((r = source.next()) != null) {
        if (r.raw().isEmpty()) {
          continue; // a blank line is not a record
        }
        rowsRead.inc();
        String problem = r.error() != null ? r.error() : typer.check(r.fields());
        if (problem != null) {
          reject(file, r, problem, out);
          continue;
        }
        String key = splitBy >= 0 ? String.valueOf(r.fields().get(splitBy)) : r.raw();
        String split = split(key, total);
        BatchBuilder b = builders.get(split);
        typer.append(b, r.fields());
        counters.get(split).inc();
        if (b.rowCount() >= batchSize) {
          out.get(BATCHES).output(KV.of(split, b.build()));
          builders.put(split, new BatchBuilder(schema, Math.min(batchSize, 1024)));
        }
      }
    }
    for (var e : builders.entrySet()) {
      if (e.getValue().rowCount() > 0) {
        out.get(BATCHES).output(KV.of(e.getKey(), e.getValue().build()));
      }
    }
  }

  /** The next record of a file, or null at its end. */
  @FunctionalInterface
  interface RecordSource {
    CsvRecord next() throws java.io.IOException;
  }

  private RecordSource csvSource(InputStream in, String file) throws java.io.IOException {
    var reader = new CsvReader(in, delimiter);
    List<String> header = SchemaInference.header(reader, file);
    if (!header.equals(schema.names())) {
      throw new IllegalArgumentException(file + " line 1: expected the header " + schema.names() + " (" + schemaSource
          + "), got " + header);
    }
    return reader::next;
  }

  /**
   * Rows of an Arrow IPC file, one record batch in memory at a time, as text fields so that typing
   * against the schema (and its errors) is the same as for text formats. The raw text of a row is
   * its values joined by tabs.
   */
  private RecordSource arrowSource(String file) throws java.io.IOException {
    var path = java.nio.file.Path.of(file);
    var alloc = new org.apache.arrow.memory.RootAllocator();
    var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(
        java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.READ), alloc);
    var root = reader.getVectorSchemaRoot();
    DataSchema fileSchema = org.millrace.api.data.ArrowConversion.fromArrow(root.getSchema());
    if (!fileSchema.names().equals(schema.names())) {
      reader.close();
      alloc.close();
      throw new IllegalArgumentException(file + ": expected the columns " + schema.names() + " (" + schemaSource
          + "), got " + fileSchema.names());
    }
    var blocks = reader.getRecordBlocks().iterator();
    Batch[] current = {null};
    int[] row = {0};
    long[] line = {0};
    return () -> {
      while (current[0] == null || row[0] >= current[0].rowCount()) {
        if (!blocks.hasNext()) {
          reader.close();
          alloc.close();
          return null;
        }
        reader.loadRecordBatch(blocks.next());
        current[0] = org.millrace.api.data.ArrowConversion.toBatch(root, fileSchema);
        row[0] = 0;
      }
      var fields = new java.util.ArrayList<String>(schema.size());
      for (int c = 0; c < schema.size(); c++) {
        Object v = current[0].column(c).get(row[0]);
        fields.add(v == null ? null : v.toString());
      }
      row[0]++;
      line[0]++;
      return new CsvRecord(line[0], fields, String.join("\t", fields.stream().map(String::valueOf).toList()), null);
    };
  }

  private RecordSource jsonSource(InputStream in) {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);
    var lines = new java.io.BufferedReader(new java.io.InputStreamReader(in, decoder));
    long[] line = {0};
    return () -> {
      String text = lines.readLine();
      if (text == null) {
        return null;
      }
      line[0]++;
      return text.isBlank() ? new CsvRecord(line[0], List.of(), "", null) : JsonLines.record(line[0], text, schema);
    };
  }

  private void reject(String file, CsvRecord r, String problem, MultiOutputReceiver out) throws Exception {
    String where = file + " line " + r.line();
    if (!quarantine) {
      String typed = problem.startsWith("column") ? " (schema " + schemaSource + ")" : "";
      throw new IllegalArgumentException(where + ": " + problem + typed
          + ". Fix the data, or set bad_rows: quarantine to set such rows aside.");
    }
    rowsRejected.inc();
    var entry = new LinkedHashMap<String, Object>();
    entry.put("file", file);
    entry.put("line", r.line());
    entry.put("reason", problem);
    entry.put("row", r.raw());
    out.get(REJECTED).output(JSON.writeValueAsString(entry));
  }

  /** Stable FNV-1a hash of the key into the cumulative ratio buckets. */
  String split(String key, int total) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    int bucket = (int) Math.floorMod(h, (long) total);
    for (int i = 0; i < splits.size(); i++) {
      bucket -= ratios.get(i);
      if (bucket < 0) {
        return splits.get(i);
      }
    }
    throw new IllegalStateException("BUG: bucket outside the split ratios " + ratios);
  }
}
