package org.millrace.ingest.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
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
import org.millrace.ingest.csv.LineReader;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.csv.RowTyper;
import org.millrace.ingest.csv.SchemaInference;
import org.millrace.ingest.parquet.ParquetRecords;

/**
 * Parses one input file (CSV, JSON lines, Arrow IPC or Parquet) per element into batches of
 * {@code batchSize} rows, each routed to its file's split (pre-split inputs) or to a split by a
 * stable hash of the row (or of the {@code splitBy} column). Bad rows fail the bundle with a
 * message naming file, line (row for Arrow and Parquet), column and value, or go to the
 * {@link #REJECTED} output as JSON.
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
  private final Map<String, String> fileSplits;
  private final int splitBy;
  private final int batchSize;
  private final boolean quarantine;
  private final String format;
  private final Counter rowsRead = Metrics.counter(NAMESPACE, "rows_read");
  private final Counter rowsRejected = Metrics.counter(NAMESPACE, "rows_rejected");

  /**
   * @param splitRatios split name to hash buckets, or (with {@code fileSplits}) the split names with any ratio
   * @param fileSplits for pre-split inputs, each file's split; empty to hash rows into splits
   */
  public ParseCsvFn(DataSchema schema, String schemaSource, char delimiter, List<String> nullValues,
      Map<String, Integer> splitRatios, Map<String, String> fileSplits, String splitBy, int batchSize,
      boolean quarantine, String format) {
    this.schema = schema;
    this.schemaSource = schemaSource;
    this.delimiter = delimiter;
    this.nullValues = List.copyOf(nullValues);
    this.splits = List.copyOf(splitRatios.keySet());
    this.ratios = List.copyOf(splitRatios.values());
    this.fileSplits = Map.copyOf(fileSplits);
    this.splitBy = splitBy == null ? -1 : schema.indexOf(splitBy);
    if (splitBy != null && this.splitBy < 0) {
      throw new IllegalArgumentException("split_by expected one of the columns " + schema.names() + ", got '"
          + splitBy + "'");
    }
    this.batchSize = batchSize;
    this.quarantine = quarantine;
    this.format = format;
  }

  private boolean typed() {
    return format.equals("arrow") || format.equals("parquet");
  }

  @ProcessElement
  public void process(@Element String file, MultiOutputReceiver out) throws Exception {
    // In typed formats only a null is missing; the text null markers ("NA", "") are values there.
    var typer = new RowTyper(schema, typed() ? Set.of() : Set.copyOf(nullValues));
    var builders = new LinkedHashMap<String, BatchBuilder>();
    var counters = new LinkedHashMap<String, Counter>();
    for (String s : splits) {
      builders.put(s, new BatchBuilder(schema, Math.min(batchSize, 1024)));
      counters.put(s, Metrics.counter(NAMESPACE, "rows_" + s));
    }
    int total = ratios.stream().mapToInt(Integer::intValue).sum();
    String fixedSplit = fileSplits.get(file);
    try (RecordSource source = open(file)) {
      CsvRecord r;
      while ((r = source.next()) != null) {
        if (r.raw().isEmpty() && r.error() == null) {
          continue; // a blank line is not a record
        }
        rowsRead.inc();
        String problem = r.error() != null ? r.error() : typer.check(r.fields());
        if (problem != null) {
          reject(file, r, problem, out);
          continue;
        }
        String split = fixedSplit != null ? fixedSplit
            : split(splitBy >= 0 ? String.valueOf(r.fields().get(splitBy)) : r.raw(), total);
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

  private RecordSource open(String file) throws IOException {
    if (format.equals("parquet")) {
      return ParquetRecords.open(file, schema, schemaSource);
    }
    var channel = FileSystems.open(FileSystems.matchSingleFileSpec(file).resourceId());
    if (format.equals("arrow")) {
      if (!(channel instanceof SeekableByteChannel seekable)) {
        channel.close();
        throw new IllegalArgumentException(file + ": expected a seekable file for Arrow IPC, got a stream-only channel");
      }
      return ArrowRecords.open(seekable, file, schema, schemaSource);
    }
    InputStream in = Channels.newInputStream(channel);
    if (format.equals("jsonl")) {
      var lines = new LineReader(in);
      return new RecordSource() {
        @Override
        public CsvRecord next() throws IOException {
          LineReader.Line l = lines.next();
          return l == null ? null : JsonLines.record(l, schema);
        }

        @Override
        public void close() throws IOException {
          lines.close();
        }
      };
    }
    var reader = new CsvReader(in, delimiter);
    try {
      List<String> header = SchemaInference.header(reader, file);
      if (!header.equals(schema.names())) {
        throw new IllegalArgumentException(file + " line 1: expected the header " + schema.names() + " ("
            + schemaSource + "), got " + header);
      }
    } catch (RuntimeException | IOException e) {
      reader.close();
      throw e;
    }
    return new RecordSource() {
      @Override
      public CsvRecord next() throws IOException {
        return reader.next();
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  private void reject(String file, CsvRecord r, String problem, MultiOutputReceiver out) throws Exception {
    String unit = typed() ? "row" : "line";
    if (!quarantine) {
      String typedHint = problem.startsWith("column") ? " (schema " + schemaSource + ")" : "";
      throw new IllegalArgumentException(file + " " + unit + " " + r.line() + ": " + problem + typedHint
          + ". Fix the data, or set bad_rows: quarantine to set such rows aside.");
    }
    rowsRejected.inc();
    var entry = new LinkedHashMap<String, Object>();
    entry.put("file", file);
    entry.put(typed() ? "row_number" : "line", r.line());
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
