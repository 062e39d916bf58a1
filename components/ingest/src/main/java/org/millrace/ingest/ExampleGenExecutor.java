package org.millrace.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.millrace.api.artifact.Examples;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.InProcess;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.beam.TempPart;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterException;
import org.millrace.api.statistics.SplitAccumulator;
import org.millrace.api.statistics.WrittenStatistics;
import org.millrace.ingest.beam.ParseRecordsFn;
import org.millrace.ingest.beam.ParseSettings;
import org.millrace.ingest.beam.PlanRangesFn;
import org.millrace.ingest.beam.RecordRangeTracker;
import org.millrace.ingest.beam.TextRange;
import org.millrace.ingest.beam.WriteQuarantineFn;

/**
 * Reads the resolved span's files (CSV, JSON lines, Arrow IPC or Parquet) into Examples: Arrow IPC
 * part files per split, written by a Beam pipeline of Arrow batches in bounded memory; rejected rows
 * in {@code quarantine/rejected.jsonl}.
 */
public final class ExampleGenExecutor implements Executor<ExampleGenParams> {
  static final String QUARANTINE = "quarantine/rejected.jsonl";

  @Override
  public ExecutorResult execute(ExecutorInput<ExampleGenParams> input, ExecutionContext ctx) throws Exception {
    ExampleGenParams p = input.parameters();
    registerFileSystems(p, ctx.beamArgs());
    InputPlan plan = InputPlan.resolve(p);
    List<String> files = plan.files();
    InputSchema inputSchema = InputSchema.of(p, files);
    DataSchema schema = inputSchema.schema();
    String schemaSource = inputSchema.source();
    if (p.label() != null && schema.indexOf(p.label()) < 0) {
      throw new ParameterException("label", "label expected one of the columns " + schema.names() + " (schema "
          + schemaSource + "), got '" + p.label() + "'");
    }
    ctx.log().info("ExampleGen: spans {} versions {} ({} files), schema {}", plan.spans(), plan.versions(),
        files.size(), schemaSource);
    Path out = input.output(ExampleGenComponent.EXAMPLES);
    Map<String, Integer> ratios = p.splitRatios() != null ? p.splitRatios()
        : p.splitNames().stream().collect(Collectors.toMap(s -> s, s -> 1, (a, b) -> a, TreeMap::new));
    // In the ratios' (sorted) order, which is the order ParseRecordsFn numbers the splits in.
    List<String> splits = List.copyOf(ratios.keySet());

    String quarantineTemp = out.resolve(".temp-quarantine-" + java.util.UUID.randomUUID()).toString();
    List<String> tempDirs = splits.stream().map(s -> ExamplesBeamIO.tempDir(out.resolve("Split-" + s))).toList();
    int shards = p.shards() == null ? ExamplesBeamIO.AUTO_SHARDS : p.shards();
    var planner = new PlanRangesFn(schema.names(), schemaSource, p.delimiter().charAt(0), p.format());
    var parser = new ParseRecordsFn(ParseSettings.of(schema, p.format())
        .withSchemaSource(schemaSource).withDelimiter(p.delimiter().charAt(0)).withNullValues(p.nullValues())
        .withSplits(ratios, tempDirs).withFileSplits(plan.fileSplits()).withSplitBy(p.splitBy())
        .withBatchSize(p.batchSize()).withBadRows(p.badRows()).withQuarantineDir(quarantineTemp)
        .withMaxRecordBytes(p.maxRecordBytes()).withFiles(files).withShards(shards)
        .withLabel(p.label(), p.missingLabel()));
    var job = new Job(files, splits, out, tempDirs, shards, quarantineTemp, planner, parser);
    // In process, with a StatisticsGen to read these examples next in this JVM: each split's statistics
    // are computed from the batches as they are written (WrittenStatistics), not read back.
    boolean statistics = ctx.consumers(ExampleGenComponent.EXAMPLES.name()).contains(STATISTICS_GEN);
    Counts counts = InProcess.applies(ctx.beamArgs())
        ? job.inProcess(InProcess.parallelism(ctx.beamArgs()), statistics) : job.onBeam(ctx.beamArgs());
    org.millrace.api.fault.CrashPoints.hit("examplegen-parts"); // test-only: kill -9 with parts written
    long read = counts.read();
    long rejected = counts.rejected();
    var props = new LinkedHashMap<String, Object>(Examples.splitProperties(splits));
    props.put(Examples.SPAN, plan.span());
    props.put("spans", plan.spans().stream().map(String::valueOf).collect(Collectors.joining(",")));
    props.put(Examples.VERSION, plan.version());
    props.put("versions", plan.versions().stream().map(String::valueOf).collect(Collectors.joining(",")));
    props.put("input_files", (long) files.size());
    props.put("rows_read", read);
    props.put("rejected_rows", rejected);
    if (rejected > 0) {
      // Rows set aside are said where the user looks, as dropped labels are: not only in the store.
      // (Named within the artifact: `out` is a temporary directory, renamed once the node succeeds.)
      ctx.notice().info("ExampleGen: {} of {} rows quarantined as bad to {} in its examples artifact (bad_rows:"
          + " quarantine)", rejected, read, QUARANTINE);
    }
    long labelDropped = counts.labelDropped();
    long labelQuarantined = counts.labelQuarantined();
    if (p.label() != null) {
      props.put("missing_label_dropped", labelDropped);
      props.put("missing_label_quarantined", labelQuarantined);
      if (labelDropped + labelQuarantined > 0) {
        ctx.notice().info("ExampleGen: {} rows with a missing label '{}' {}", labelDropped + labelQuarantined, p.label(),
            labelDropped > 0 ? "dropped (missing_label: drop)" : "quarantined to " + QUARANTINE
            + " in its examples artifact (missing_label: quarantine)");
      }
    }
    long written = 0;
    for (int i = 0; i < splits.size(); i++) {
      String split = splits.get(i);
      long n = counts.written()[i];
      props.put("row_count_" + split, n);
      written += n;
      Path splitDir = Files.createDirectories(out.resolve("Split-" + split));
      if (ExamplesIO.parts(splitDir).isEmpty()) {
        // An empty split still has a part file: readers find its schema and zero rows, not an error.
        ExamplesIO.write(splitDir, schema, 0, List.of());
      }
      if (counts.statistics() != null && counts.statistics()[i] != null) {
        WrittenStatistics.remember(splitDir, counts.statistics()[i].result(split));
      }
    }
    if (written + rejected + labelDropped + labelQuarantined != read) {
      throw new IllegalStateException("BUG: rows read " + read + " != written " + written + " + rejected " + rejected
          + " + missing labels " + (labelDropped + labelQuarantined));
    }
    if (read == 0) {
      throw new IllegalArgumentException("input expected at least one row, got none in " + files.size() + " file(s) "
          + (files.size() > 3 ? files.subList(0, 3) + "..." : files) + " (empty or header-only)");
    }
    if (written == 0) {
      throw new IllegalArgumentException(String.format("input expected at least one readable row, got all %d rows"
          + " rejected%s; see %s for each row and why", read, labelDropped + labelQuarantined > 0
          ? " or without a label (" + (labelDropped + labelQuarantined) + ")" : "", out.resolve(QUARANTINE)));
    }
    if (read > 0 && rejected > p.maxRejectedFraction() * read) {
      throw new IllegalArgumentException(String.format("rejected rows expected at most %.1f%% (max_rejected_fraction %s),"
          + " got %d of %d (%.1f%%); see %s for each row and why", 100 * p.maxRejectedFraction(),
          p.maxRejectedFraction(), rejected, read, 100.0 * rejected / read, out.resolve(QUARANTINE)));
    }
    schema.writeYaml(out.resolve("schema.yaml"));
    return ExecutorResult.builder().properties(ExampleGenComponent.EXAMPLES, props).build();
  }

  /** The driver: a fingerprint of the resolved span's files (names, sizes, modification times). */
  static String fingerprint(ExampleGenParams p, ExecutionContext ctx) throws Exception {
    registerFileSystems(p, ctx.beamArgs());
    InputPlan plan = InputPlan.resolve(p);
    var sb = new StringBuilder("spans=").append(plan.spans()).append(" versions=").append(plan.versions());
    for (SpanResolver.InputFile f : plan.inputs()) {
      sb.append('\n').append(f.path()).append(' ').append(f.size()).append(' ').append(f.modifiedMillis());
      String split = plan.fileSplits().get(f.path());
      if (split != null) {
        sb.append(' ').append(split);
      }
    }
    if (p.schemaFile() != null) {
      Path s = Path.of(p.schemaFile());
      sb.append("\nschema ").append(Files.size(s)).append(' ').append(Files.getLastModifiedTime(s).toMillis());
    }
    return sb.toString();
  }

  /**
   * Registers the filesystems on the classpath (hdfs://, s3://, ... when present) with the
   * pipeline's options, before any listing. In process only when a path names a scheme other than
   * {@code file}: Beam's local filesystem is always registered, so a local run never builds Beam's
   * pipeline options (a second of a cold JVM).
   */
  static void registerFileSystems(ExampleGenParams p, List<String> beamArgs) {
    var paths = new java.util.ArrayList<String>();
    paths.add(p.input());
    paths.add(p.schemaFile());
    if (p.inputSplits() != null) {
      paths.addAll(p.inputSplits().values());
    }
    boolean remote = paths.stream().anyMatch(ExampleGenExecutor::remote);
    if (remote || !InProcess.applies(beamArgs)) {
      FileSystems.setDefaultPipelineOptions(BeamPipelines.options(beamArgs));
    } else {
      InProcess.validate(beamArgs);
    }
  }

  /** A path with a scheme other than {@code file}, by Beam's own rule ({@code scheme:/...}, e.g. {@code hdfs:/x}). */
  static boolean remote(String path) {
    if (path == null) {
      return false;
    }
    var m = SCHEME.matcher(path);
    return m.matches() && !m.group(1).equalsIgnoreCase("file");
  }

  /** Beam's {@code FileSystems} pattern of a path with a scheme. */
  private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("([a-zA-Z][-a-zA-Z0-9+.]*):/.*");

  /** The component whose statistics ExampleGen computes as it writes, when it consumes the examples. */
  static final String STATISTICS_GEN = "StatisticsGen";

  /**
   * What the parser counted: rows read, rejected, written per split, and with a missing label; and
   * the statistics of each split's batches, when collected (null otherwise, and for a split without a batch).
   */
  record Counts(long read, long rejected, long[] written, long labelDropped, long labelQuarantined,
      SplitAccumulator[] statistics) {}

  /**
   * One ingest: plan each file's ranges, parse each range into temporary parts, then name the
   * parts and gather the quarantine, either as a Beam pipeline or in process on a thread pool;
   * the same {@link PlanRangesFn} and {@link ParseRecordsFn} do the work either way.
   */
  private record Job(List<String> files, List<String> splits, Path out, List<String> tempDirs, int shards,
      String quarantineTemp, PlanRangesFn planner, ParseRecordsFn parser) {

    Counts onBeam(List<String> beamArgs) throws Exception {
      Pipeline pipeline = BeamPipelines.create(beamArgs);
      PCollectionTuple parsed = pipeline
          .apply("ListFiles", Create.of(files).withCoder(StringUtf8Coder.of()))
          .apply("PlanRanges", ParDo.of(planner))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), TextRange.Coder.INSTANCE))
          .apply("SpreadRanges", Reshuffle.viaRandomKey())
          .apply("Parse", ParDo.of(parser)
              .withOutputTags(ParseRecordsFn.PARTS, TupleTagList.of(ParseRecordsFn.REJECTED)));
      PCollection<KV<String, TempPart>> parts = parsed.get(ParseRecordsFn.PARTS)
          .setCoder(KvCoder.of(StringUtf8Coder.of(), TempPart.Coder.INSTANCE));
      for (int i = 0; i < splits.size(); i++) {
        String split = splits.get(i);
        parts.apply("Select-" + split, Filter.by(kv -> kv.getKey().equals(split)))
            .apply("Parts-" + split, Values.create()).setCoder(TempPart.Coder.INSTANCE)
            .apply("Finalize-" + split, ExamplesBeamIO.finalizeParts(out.resolve("Split-" + split), tempDirs.get(i),
                shards));
      }
      // Only the names of the calls' quarantine files are grouped; the rows stream from file to file.
      var tempFile = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
      parsed.get(ParseRecordsFn.REJECTED).setCoder(tempFile)
          .apply("KeyRejected", WithKeys.of(0)).setCoder(KvCoder.of(VarIntCoder.of(), tempFile))
          .apply("GroupRejected", GroupByKey.create())
          .apply("WriteQuarantine", ParDo.of(new WriteQuarantineFn(out.resolve(QUARANTINE).toString(),
              quarantineTemp)));
      PipelineResult result;
      try {
        result = BeamPipelines.run(pipeline);
      } catch (RuntimeException e) {
        throw BeamPipelines.unwrap(e);
      }
      long[] written = new long[splits.size()];
      for (int i = 0; i < written.length; i++) {
        written[i] = BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "rows_" + splits.get(i));
      }
      return new Counts(BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "rows_read"),
          BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "rows_rejected"), written,
          BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "missing_label_dropped"),
          BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "missing_label_quarantined"), null);
    }

    Counts inProcess(int threads, boolean statistics) throws Exception {
      var collected = new Collected(splits.size(), statistics);
      try (var tasks = new InProcess.Tasks(threads)) {
        // Each file's planner hands each range to a parser as soon as it has found it.
        for (String file : files) {
          tasks.submit(() -> {
            planner.ranges(file, range -> tasks.submit(() -> parse(parser, file, range, collected)));
            return null;
          });
        }
        tasks.awaitAll();
      }
      for (int i = 0; i < splits.size(); i++) {
        ExamplesBeamIO.finalizeTempParts(out.resolve("Split-" + splits.get(i)), tempDirs.get(i), shards,
            collected.parts(splits.get(i)));
      }
      if (!collected.rejected.isEmpty()) {
        WriteQuarantineFn.concatenate(out.resolve(QUARANTINE).toString(), quarantineTemp, collected.rejected);
      }
      return new Counts(collected.read.sum(), collected.rejectedRows.sum(),
          java.util.Arrays.stream(collected.written).mapToLong(java.util.concurrent.atomic.LongAdder::sum).toArray(),
          collected.labelDropped.sum(), collected.labelQuarantined.sum(), collected.statistics());
    }
  }

  /**
   * Parses one range as a runner calls the DoFn: with a tracker of the range, checkpointed and
   * resumed on a fresh tracker of the rest whenever the call asks to resume.
   */
  private static Void parse(ParseRecordsFn parser, String file, TextRange range, ParseRecordsFn.Output out)
      throws Exception {
    var tracker = new RecordRangeTracker(range);
    while (parser.parse(file, tracker, out).shouldResume()) {
      var checkpoint = tracker.trySplit(0);
      if (checkpoint == null) {
        throw new IllegalStateException("BUG: " + file + " " + range + " asked to resume without a checkpoint");
      }
      tracker.checkDone();
      tracker = new RecordRangeTracker(checkpoint.getResidual());
    }
    tracker.checkDone();
    return null;
  }

  /** The parser's results gathered from the threads of an in-process run. */
  private static final class Collected implements ParseRecordsFn.Output {
    final List<KV<String, TempPart>> parts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final List<KV<String, String>> rejected = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final java.util.concurrent.atomic.LongAdder read = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder rejectedRows = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder labelDropped = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder labelQuarantined = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder[] written;
    /**
     * Per split, the accumulators no call holds now, or null when statistics are not collected. A
     * call borrows one and gives it back when it ends, so a split has as many accumulators as calls
     * ran at once (the threads), each adding the batches of many calls; they are merged at the end.
     */
    final List<java.util.ArrayDeque<SplitAccumulator>> idle;

    Collected(int splits, boolean statistics) {
      written = new java.util.concurrent.atomic.LongAdder[splits];
      java.util.Arrays.setAll(written, i -> new java.util.concurrent.atomic.LongAdder());
      this.idle = !statistics ? null : java.util.stream.IntStream.range(0, splits)
          .mapToObj(i -> new java.util.ArrayDeque<SplitAccumulator>()).toList();
    }

    @Override
    public SplitAccumulator statistics(int split) {
      if (idle == null) {
        return null;
      }
      synchronized (idle) {
        SplitAccumulator a = idle.get(split).poll();
        return a != null ? a : new SplitAccumulator();
      }
    }

    @Override
    public void statistics(int split, SplitAccumulator written) {
      synchronized (idle) {
        idle.get(split).push(written);
      }
    }

    /** Per split, the statistics of every call's batches merged (null for a split without a batch), or null when not collected. */
    SplitAccumulator[] statistics() {
      if (idle == null) {
        return null;
      }
      synchronized (idle) {
        var out = new SplitAccumulator[idle.size()];
        for (int s = 0; s < out.length; s++) {
          for (SplitAccumulator a : idle.get(s)) {
            if (out[s] == null) {
              out[s] = a;
            } else {
              out[s].merge(a);
            }
          }
          idle.get(s).clear();
        }
        return out;
      }
    }

    List<TempPart> parts(String split) {
      synchronized (parts) {
        return parts.stream().filter(kv -> kv.getKey().equals(split)).map(KV::getValue).toList();
      }
    }

    @Override
    public void part(String split, TempPart part) {
      parts.add(KV.of(split, part));
    }

    @Override
    public void rejected(String key, String file) {
      rejected.add(KV.of(key, file));
    }

    @Override
    public void counted(long read, long rejected, long[] written, long labelsDropped, long labelsQuarantined) {
      this.read.add(read);
      this.rejectedRows.add(rejected);
      for (int s = 0; s < written.length; s++) {
        this.written[s].add(written[s]);
      }
      this.labelDropped.add(labelsDropped);
      this.labelQuarantined.add(labelsQuarantined);
    }
  }
}
