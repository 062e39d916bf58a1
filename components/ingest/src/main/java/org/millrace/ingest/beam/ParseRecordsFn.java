package org.millrace.ingest.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.beam.TempPart;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.api.data.SplitWriter;
import org.millrace.api.statistics.SplitAccumulator;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.csv.RowTyper;
import org.millrace.ingest.csv.SplitHash;
import org.millrace.ingest.parquet.ParquetRecords;

/**
 * Parses one range of a file ({@link PlanRangesFn}) per element, read by the {@link InputReader} of
 * its format (CSV, JSON lines, JSON arrays, Arrow IPC or Parquet), into batches of {@code batchSize} rows, each
 * routed to its file's split (pre-split inputs) or to a split by a stable hash of the row (or of the {@code splitBy} column).
 * Splittable: a CSV range is read in chunks, each ending in a checkpoint at a record boundary, and
 * each chunk's batches are written straight to the bundle's temporary part file of their split
 * ({@link #PARTS} names them for the finalize step), so a file of any size streams through in
 * bounded memory on any runner. Bad rows fail the bundle with a message
 * naming file, line (row for Arrow and Parquet), column and value, or go to the {@link #REJECTED}
 * output as JSON. Its settings are one {@link ParseSettings} value:
 *
 * <pre>{@code
 * ParDo.of(new ParseRecordsFn(ParseSettings.of(schema, InputFormat.CSV)
 *     .withSplits(Map.of("train", 2, "eval", 1), tempDirs)
 *     .withBadRows(BadRows.QUARANTINE).withQuarantineDir(quarantineTemp)))
 *     .withOutputTags(ParseRecordsFn.PARTS, TupleTagList.of(ParseRecordsFn.REJECTED))
 * }</pre>
 */
@DoFn.BoundedPerElement
public final class ParseRecordsFn extends DoFn<KV<String, TextRange>, KV<String, TempPart>> {
  /** Per split, the temporary part files a bundle wrote (see {@link ExamplesBeamIO#finalizeParts}). */
  public static final TupleTag<KV<String, TempPart>> PARTS = new TupleTag<>() {};
  /**
   * Per call that rejected rows, its temporary quarantine file: (sort key, path). The key orders
   * the files by input file and first line, so concatenating them in key order lists the rejected
   * rows by file and line ({@link WriteQuarantineFn}).
   */
  public static final TupleTag<KV<String, String>> REJECTED = new TupleTag<>() {};
  public static final String NAMESPACE = "millrace.ingest";
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int BATCHES_PER_CALL = 2;
  static final long MAX_BYTES_PER_CHUNK = 4L << 20;
  static final long MAX_BYTES_PER_CALL = 64L << 20;

  private final DataSchema schema;
  private final String schemaSource;
  private final List<String> nullValues;
  private final List<String> splits;
  private final List<Integer> ratios;
  private final Map<String, Integer> fileSplits;
  private final int splitBy;
  private final int batchSize;
  private final boolean quarantine;
  /** The reader of the input's format (one per format, see {@link InputReader#of}). */
  private final InputReader input;
  private final int totalRatio;
  private final Counter rowsRead = Metrics.counter(NAMESPACE, "rows_read");
  private final Counter rowsRejected = Metrics.counter(NAMESPACE, "rows_rejected");
  private final List<Counter> splitCounters;
  private final List<String> tempDirs;
  private final String quarantineTempDir;
  /** Each input file's position in the input (orders the parts), and the fixed part count or 0. */
  private final Map<String, Integer> fileOrder;
  private final int shards;
  private final int labelIndex;
  private final MissingLabel missingLabel;
  private final Counter labelDropped = Metrics.counter(NAMESPACE, "missing_label_dropped");
  private final Counter labelQuarantined = Metrics.counter(NAMESPACE, "missing_label_quarantined");

  /**
   * A parser with {@code settings}, checked against each other here (on the driver): the split
   * names and their temporary directories, each pre-split file's split, and the columns named by
   * {@code split_by} and {@code label}.
   */
  public ParseRecordsFn(ParseSettings settings) {
    var order = new java.util.HashMap<String, Integer>();
    for (int i = 0; i < settings.files().size(); i++) {
      order.putIfAbsent(settings.files().get(i), i);
    }
    DataSchema schema = settings.schema();
    this.fileOrder = Map.copyOf(order);
    this.shards = settings.shards();
    String label = settings.label();
    this.labelIndex = label == null ? -1 : schema.indexOf(label);
    if (label != null && labelIndex < 0) {
      throw new IllegalArgumentException("label expected one of the columns " + schema.names() + ", got '" + label
          + "'");
    }
    this.missingLabel = settings.missingLabel();
    this.schema = schema;
    this.schemaSource = settings.schemaSource();
    this.nullValues = settings.nullValues();
    // Splits in name order, whatever the map's: split indices, buckets and tempDirs all follow it.
    var byName = new java.util.TreeMap<>(settings.splitRatios());
    if (byName.isEmpty()) {
      throw new IllegalArgumentException("parse settings expected at least one split (withSplits), got none");
    }
    this.splits = List.copyOf(byName.keySet());
    this.ratios = List.copyOf(byName.values());
    this.totalRatio = ratios.stream().mapToInt(Integer::intValue).sum();
    this.splitCounters = splits.stream().map(sp -> Metrics.counter(NAMESPACE, "rows_" + sp)).toList();
    if (settings.tempDirs().size() != splits.size()) {
      throw new IllegalArgumentException("BUG: " + settings.tempDirs().size() + " temporary directories for splits "
          + splits);
    }
    this.tempDirs = settings.tempDirs();
    this.quarantineTempDir = settings.quarantineTempDir();
    if (quarantineTempDir == null && (settings.quarantinesBadRows()
        || label != null && missingLabel == MissingLabel.QUARANTINE)) {
      throw new IllegalArgumentException("BUG: a quarantine without a temporary directory (withQuarantineDir)");
    }
    var fixed = new LinkedHashMap<String, Integer>();
    settings.fileSplits().forEach((file, split) -> {
      int i = splits.indexOf(split);
      if (i < 0) {
        throw new IllegalArgumentException("BUG: file " + file + " of split " + split + " outside " + splits);
      }
      fixed.put(file, i);
    });
    this.fileSplits = Map.copyOf(fixed);
    String splitBy = settings.splitBy();
    this.splitBy = splitBy == null ? -1 : schema.indexOf(splitBy);
    if (splitBy != null && this.splitBy < 0) {
      throw new IllegalArgumentException("split_by expected one of the columns " + schema.names() + ", got '"
          + splitBy + "'");
    }
    this.batchSize = settings.batchSize();
    this.quarantine = settings.quarantinesBadRows();
    this.input = InputReader.of(settings.format(), schema, schemaSource, settings.delimiter(),
        settings.maxRecordBytes());
  }

  private boolean typed() {
    return input.typed();
  }

  @GetInitialRestriction
  public TextRange initial(@Element KV<String, TextRange> element) {
    return element.getValue();
  }

  @NewTracker
  public RecordRangeTracker tracker(@Restriction TextRange range) {
    return new RecordRangeTracker(range);
  }

  @GetRestrictionCoder
  public org.apache.beam.sdk.coders.Coder<TextRange> restrictionCoder() {
    return TextRange.Coder.INSTANCE;
  }

  @GetSize
  public double size(@Restriction TextRange range) {
    return range.to() == Long.MAX_VALUE ? 1 : range.to() - range.from();
  }

  /**
   * Parses the records of one range. CSV is read in chunks of {@link #BATCHES_PER_CALL} batches'
   * worth of rows (at most {@link #MAX_BYTES_PER_CHUNK} bytes): a chunk is parsed, then claimed as
   * a whole, then written to this call's temporary part file of each split. After
   * {@link #MAX_BYTES_PER_CALL} bytes the call closes its files, outputs them and asks to resume
   * (a checkpoint at a record boundary), so memory holds about one chunk whatever the file size.
   */
  @ProcessElement
  public ProcessContinuation process(@Element KV<String, TextRange> element,
      RestrictionTracker<TextRange, RecordRangeTracker.Claim> tracker, MultiOutputReceiver out) throws Exception {
    return parse(element.getKey(), tracker, new BeamOutput(out));
  }

  /**
   * Where a call's results go: the temporary part and quarantine files it wrote, and its counts.
   * On a runner, the DoFn's outputs and Beam counters; in process, the caller's collections.
   */
  public interface Output {
    /** A temporary part file of {@code split}, closed. */
    void part(String split, TempPart part);

    /** A temporary quarantine file, closed, with its sort key (see {@link #REJECTED}). */
    void rejected(String key, String file);

    /**
     * Rows read and rejected, rows written per split (in split name order), rows whose label was
     * missing dropped and quarantined.
     */
    void counted(long read, long rejected, long[] written, long labelsDropped, long labelsQuarantined);

    /**
     * The accumulator a call adds the batches it writes to split number {@code split} (in split name
     * order) to, lent until the call ends and gives it back ({@link #statistics(int, SplitAccumulator)}),
     * or null when this output takes no statistics. In process, for a StatisticsGen that consumes the
     * examples in the same JVM.
     */
    default SplitAccumulator statistics(int split) {
      return null;
    }

    /** Gives back an accumulator lent by {@link #statistics(int)}, with the batches a call wrote added. */
    default void statistics(int split, SplitAccumulator written) {}
  }

  /** The DoFn's outputs ({@link #PARTS}, {@link #REJECTED}) and counters. */
  private final class BeamOutput implements Output {
    private final MultiOutputReceiver out;

    BeamOutput(MultiOutputReceiver out) {
      this.out = out;
    }

    @Override
    public void part(String split, TempPart part) {
      out.get(PARTS).output(KV.of(split, part));
    }

    @Override
    public void rejected(String key, String file) {
      out.get(REJECTED).output(KV.of(key, file));
    }

    @Override
    public void counted(long read, long rejected, long[] written, long labelsDropped, long labelsQuarantined) {
      labelQuarantined.inc(labelsQuarantined);
      labelDropped.inc(labelsDropped);
      for (int s = 0; s < written.length; s++) {
        splitCounters.get(s).inc(written[s]);
      }
      rowsRead.inc(read);
      rowsRejected.inc(rejected);
    }
  }

  /**
   * One call of {@link #process} on {@code file}'s restriction in {@code tracker}, with its results
   * to {@code out}: what a runner calls, and what an in-process run calls with a
   * {@link RecordRangeTracker} of each range (checkpointing it on {@code resume}, as a runner does).
   */
  public ProcessContinuation parse(String file, RestrictionTracker<TextRange, RecordRangeTracker.Claim> tracker,
      Output out) throws Exception {
    TextRange range = tracker.currentRestriction();
    var chunk = new Chunk(file, new Parts(file, range.from(), out));
    try {
      if (!(input instanceof CsvInputReader csv)) {
        // Records one at a time; the range is claimed whole first.
        if (tracker.tryClaim(new RecordRangeTracker.Claim(range.from(), Long.MAX_VALUE, 0, true))) {
          try (RecordSource source = input.open(file, range)) {
            if (source instanceof ParquetRecords parquet) {
              // Typed rows: no text for the integers, the split hash without the raw text (ParquetRecords.Row).
              ParquetRecords.Row r;
              while ((r = parquet.nextRow()) != null) {
                if (!r.blank() || r.error() != null) {
                  chunk.add(r.line(), r.error() == null ? r : null, r.error(), null, r.rawHash(), r);
                }
                if (chunk.pendingRows >= batchSize) {
                  chunk.emit(out);
                }
              }
            } else {
              CsvRecord r;
              while ((r = source.next()) != null) {
                if (!r.raw().isEmpty() || r.error() != null) { // a blank line is not a record
                  chunk.add(r.line(), r.fields(), r.error(), r.raw(), -1, r);
                }
                if (chunk.pendingRows >= batchSize) {
                  chunk.emit(out); // claimed above: safe to write as it goes
                }
              }
            }
          }
          chunk.flush();
          chunk.emit(out);
        }
        chunk.parts.output(out);
        return ProcessContinuation.stop();
      }
      long maxRows = (long) BATCHES_PER_CALL * batchSize;
      boolean end = false;
      try (CsvReader reader = csv.reader(file, range)) {
        boolean last = false;
        while (!last) {
          long start = reader.position();
          while (true) {
            if (reader.position() >= range.to() || !reader.advance()) {
              end = true;
              break;
            }
            if (!reader.blank()) {
              chunk.add(reader.recordLine(), reader.fields(), reader.error(), null, reader.rawHash(), reader);
            }
            if (chunk.read >= maxRows || reader.position() - start >= MAX_BYTES_PER_CHUNK) {
              break;
            }
          }
          last = end || reader.position() - range.from() >= MAX_BYTES_PER_CALL;
          if (reader.position() > start
              && !tracker.tryClaim(new RecordRangeTracker.Claim(start, reader.position(), reader.line(), last))) {
            throw new IllegalStateException("BUG: " + file + " bytes [" + start + ", " + reader.position()
                + ") could not be claimed in " + tracker.currentRestriction());
          }
          chunk.flush();
          chunk.emit(out);
        }
      }
      chunk.parts.output(out); // before the end-of-input claim, after which nothing may be output
      if (end) {
        tracker.tryClaim(RecordRangeTracker.Claim.END);
        return ProcessContinuation.stop();
      }
      return ProcessContinuation.resume();
    } finally {
      chunk.parts.close();
    }
  }

  /**
   * This call's temporary part file of each split, opened on the first batch, and its temporary
   * quarantine file, opened on the first rejected row.
   */
  private final class Parts {
    /** Per split and shard (one shard without a fixed count). */
    final SplitWriter[] writers = new SplitWriter[splits.size() * Math.max(1, shards)];
    final long[] keys = new long[writers.length];
    /** The output that lends this call its statistics accumulators, and takes them back. */
    final Output statisticsOut;
    /** Per split, the accumulator lent to this call once it writes a batch there (null when not collected). */
    final SplitAccumulator[] statistics;
    /** Without shards, the key that names this call's parts: the file's input position, then where it started. */
    final long positionKey;
    final String positionName;
    java.io.BufferedWriter rejected;
    Path rejectedFile;
    String rejectedKey;

    Parts(String file, long from, Output statisticsOut) {
      this.statisticsOut = statisticsOut;
      this.statistics = new SplitAccumulator[splits.size()];
      // A range of a file of more than 2^40 bytes (or row groups) starts past what the key holds;
      // then the temporary name, which holds it whole, orders such parts.
      int position = fileOrder.getOrDefault(file, fileOrder.size());
      this.positionKey = ((long) position << 40) | Math.min(from, (1L << 40) - 1);
      this.positionName = String.format("%08d-%020d-", position, from);
    }

    void reject(String file, long line, String json) throws java.io.IOException {
      if (rejected == null) {
        Path dir = Files.createDirectories(Path.of(quarantineTempDir));
        rejectedFile = dir.resolve(UUID.randomUUID() + ".jsonl");
        rejected = Files.newBufferedWriter(rejectedFile, StandardCharsets.UTF_8);
        rejectedKey = file + "\n" + String.format("%020d", line);
      }
      rejected.write(json);
      rejected.write('\n');
    }

    void write(int split, Batch batch) throws java.io.IOException {
      long content = ExamplesBeamIO.contentKey(batch);
      int w = shards == ExamplesBeamIO.AUTO_SHARDS ? split : split * shards + (int) Math.floorMod(content, (long) shards);
      if (writers[w] == null) {
        Path dir = Path.of(tempDirs.get(split));
        Files.createDirectories(dir);
        writers[w] = SplitWriter.create(dir.resolve(positionName + UUID.randomUUID() + ".arrow"), schema);
        keys[w] = shards == ExamplesBeamIO.AUTO_SHARDS ? positionKey : Long.MAX_VALUE;
      }
      writers[w].write(batch);
      if (statistics[split] == null) {
        statistics[split] = statisticsOut.statistics(split);
      }
      if (statistics[split] != null) {
        statistics[split].add(batch);
      }
      if (shards != ExamplesBeamIO.AUTO_SHARDS) {
        keys[w] = Math.min(keys[w], content);
      }
    }

    void output(Output out) throws java.io.IOException {
      if (rejected != null) {
        rejected.close();
        out.rejected(rejectedKey, rejectedFile.toString());
        rejected = null;
      }
      int perSplit = Math.max(1, shards);
      for (int w = 0; w < writers.length; w++) {
        if (writers[w] != null) {
          writers[w].close();
          int shard = shards == ExamplesBeamIO.AUTO_SHARDS ? TempPart.NO_SHARD : w % perSplit;
          out.part(splits.get(w / perSplit), new TempPart(writers[w].file().toString(), shard,
              writers[w].rowCount(), keys[w]));
          writers[w] = null;
        }
      }
      for (int s = 0; s < statistics.length; s++) {
        if (statistics[s] != null) {
          statisticsOut.statistics(s, statistics[s]);
          statistics[s] = null;
        }
      }
    }

    void close() throws java.io.IOException {
      if (rejected != null) {
        rejected.close();
      }
      for (SplitWriter w : writers) {
        if (w != null) {
          w.close();
        }
      }
    }
  }

  /** The batches and rejected rows of one chunk of records, held until the chunk is claimed. */
  private final class Chunk {
    final String file;
    final Parts parts;
    // In typed formats only a null is missing; the text null markers ("NA", "") are values there.
    final RowTyper typer = new RowTyper(schema, typed() ? Set.of() : Set.copyOf(nullValues));
    final BatchBuilder[] builders = new BatchBuilder[splits.size()];
    final long[] written = new long[splits.size()];
    final List<KV<Integer, Batch>> batches = new ArrayList<>();
    final List<KV<Long, String>> rejectedRows = new ArrayList<>();
    final List<KV<Long, String>> labelRows = new ArrayList<>();
    long labelsDropped;
    long read;
    long pendingRows;

    /** The split every row of the file goes to (pre-split inputs), or -1 to hash each row. */
    final int fixedSplit;

    Chunk(String file, Parts parts) {
      this.file = file;
      this.parts = parts;
      this.fixedSplit = fileSplits.getOrDefault(file, -1);
    }

    /** One record: its raw text comes from {@code rawSource} (a CsvRecord or the reader) only when needed. */
    void add(long line, List<String> fields, String error, String raw, long rawHash, Object rawSource)
        throws Exception {
      read++;
      if (error == null && labelIndex >= 0 && fields.size() == schema.size()
          && typer.isMissing(fields.get(labelIndex))) {
        missingLabel(line, fields.get(labelIndex), raw, rawSource);
        return;
      }
      if (error == null) {
        int split = fixedSplit >= 0 ? fixedSplit : splitBy >= 0 ? split(fnv(String.valueOf(fields.get(splitBy))))
            : split(raw == null ? rawHash : fnv(raw));
        if (builders[split] == null) {
          builders[split] = new BatchBuilder(schema, Math.min(batchSize, ParseSettings.DEFAULT_BATCH_SIZE));
        }
        error = typer.tryAppend(builders[split], fields);
        if (error == null) {
          written[split]++;
          pendingRows++;
          if (builders[split].rowCount() >= batchSize) {
            batches.add(KV.of(split, builders[split].build()));
            builders[split] = null;
          }
          return;
        }
      }
      rejectedRows.add(KV.of(line, reject(file, line, rawText(raw, rawSource), error)));
    }

    /** A row whose label is missing: fails naming file and line, is dropped, or goes to the quarantine. */
    private void missingLabel(long line, String value, String raw, Object rawSource) throws Exception {
      String unit = typed() ? "row" : input.format() == InputFormat.JSON ? "record" : "line";
      String problem = "label column '" + schema.names().get(labelIndex) + "' expected a value, got missing"
          + (value == null ? "" : " ('" + value + "')");
      switch (missingLabel) {
        case DROP -> labelsDropped++;
        case QUARANTINE -> {
          labelRows.add(KV.of(line, entry(file, line, rawText(raw, rawSource), problem)));
        }
        case FAIL -> throw new IllegalArgumentException(file + " " + unit + " " + line + ": " + problem
            + ". Fix the data, or set missing_label: drop or missing_label: quarantine to set such rows aside.");
      }
    }

    /** A record's raw text: given, or from its reader or record. */
    private String rawText(String raw, Object rawSource) {
      if (raw != null) {
        return raw;
      }
      if (rawSource instanceof CsvReader r) {
        return r.raw();
      }
      if (rawSource instanceof ParquetRecords.Row r) {
        return r.raw();
      }
      return ((CsvRecord) rawSource).raw();
    }

    /** Closes the batches still being built. */
    void flush() {
      for (int s = 0; s < builders.length; s++) {
        if (builders[s] != null && builders[s].rowCount() > 0) {
          batches.add(KV.of(s, builders[s].build()));
        }
        builders[s] = null;
      }
    }

    /** Writes the finished batches, outputs the rejected rows, and counts them. */
    void emit(Output out) throws java.io.IOException {
      for (var b : batches) {
        parts.write(b.getKey(), b.getValue());
      }
      for (var r : rejectedRows) {
        parts.reject(file, r.getKey(), r.getValue());
      }
      for (var r : labelRows) {
        parts.reject(file, r.getKey(), r.getValue());
      }
      out.counted(read, rejectedRows.size(), written.clone(), labelsDropped, labelRows.size());
      labelRows.clear();
      labelsDropped = 0;
      java.util.Arrays.fill(written, 0);
      batches.clear();
      rejectedRows.clear();
      read = 0;
      pendingRows = 0;
    }
  }

  /** The file from byte {@code offset} on (of the decompressed data for a {@code .gz} file). */
  static InputStream open(String file, long offset) throws java.io.IOException {
    var channel = FileSystems.open(FileSystems.matchSingleFileSpec(file).resourceId());
    if (org.millrace.ingest.csv.Compressed.isGzip(file)) {
      InputStream in = org.millrace.ingest.csv.Compressed.decompressed(file, Channels.newInputStream(channel));
      in.skipNBytes(offset);
      return in;
    }
    if (offset > 0) {
      if (channel instanceof java.nio.channels.SeekableByteChannel s) {
        s.position(offset);
      } else {
        InputStream in = Channels.newInputStream(channel);
        in.skipNBytes(offset);
        return in;
      }
    }
    return Channels.newInputStream(channel);
  }

  /** The quarantine entry of a bad row; fails instead unless bad rows are quarantined. */
  private String reject(String file, long line, String raw, String problem) throws Exception {
    String typed = problem.startsWith("column") ? " (schema " + schemaSource + ")" : "";
    problem = named(problem);
    String unit = typed() ? "row" : input.format() == InputFormat.JSON ? "record" : "line";
    String where = file + " " + unit + " " + line;
    if (!quarantine) {
      throw new IllegalArgumentException(where + ": " + problem + typed
          + ". Fix the data, or set bad_rows: quarantine to set such rows aside.");
    }
    return entry(file, line, raw, problem);
  }

  private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("field (\\d+) (.*)",
      java.util.regex.Pattern.DOTALL);

  /**
   * A CSV reader's "field 2 expected UTF-8 text ..." (it reads without the header) as the typing
   * says it, "column 'city' (2) ...": the column by its name.
   */
  String named(String problem) {
    var m = FIELD.matcher(problem);
    if (input.format() != InputFormat.CSV || !m.matches()) {
      return problem;
    }
    int i = Integer.parseInt(m.group(1));
    return i >= 1 && i <= schema.size() ? "column '" + schema.names().get(i - 1) + "' (" + i + ") " + m.group(2)
        : problem;
  }

  /** A quarantine entry: {@code {file, line | row_number, reason, row}}. */
  private String entry(String file, long line, String raw, String problem) throws Exception {
    var entry = new LinkedHashMap<String, Object>();
    entry.put("file", file);
    entry.put(typed() ? "row_number" : input.format() == InputFormat.JSON ? "record" : "line", line);
    entry.put("reason", problem);
    entry.put("row", raw);
    return JSON.writeValueAsString(entry);
  }

  /** The split hash of a key (raw text or split_by value): {@link SplitHash#of}. */
  static long fnv(String key) {
    return SplitHash.of(key);
  }

  /** The index of the split a key's FNV-1a hash falls in, by the cumulative ratio buckets. */
  int split(long hash) {
    int bucket = (int) Math.floorMod(hash, (long) totalRatio);
    for (int i = 0; i < splits.size(); i++) {
      bucket -= ratios.get(i);
      if (bucket < 0) {
        return i;
      }
    }
    throw new IllegalStateException("BUG: bucket outside the split ratios " + ratios);
  }
}
