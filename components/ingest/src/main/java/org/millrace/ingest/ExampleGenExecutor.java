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
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.beam.TempPart;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterException;
import org.millrace.ingest.beam.ParseRecordsFn;
import org.millrace.ingest.beam.ParseSettings;
import org.millrace.ingest.beam.PlanRangesFn;
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
    // Registers the filesystems on the classpath (hdfs://, s3://, ... when present) before any listing.
    FileSystems.setDefaultPipelineOptions(BeamPipelines.options(ctx.beamArgs()));
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

    Pipeline pipeline = BeamPipelines.create(ctx.beamArgs());
    String quarantineTemp = out.resolve(".temp-quarantine-" + java.util.UUID.randomUUID()).toString();
    List<String> tempDirs = splits.stream().map(s -> ExamplesBeamIO.tempDir(out.resolve("Split-" + s))).toList();
    int shards = p.shards() == null ? ExamplesBeamIO.AUTO_SHARDS : p.shards();
    PCollectionTuple parsed = pipeline
        .apply("ListFiles", Create.of(files).withCoder(StringUtf8Coder.of()))
        .apply("PlanRanges", ParDo.of(new PlanRangesFn(schema.names(), schemaSource, p.delimiter().charAt(0),
            p.format())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TextRange.Coder.INSTANCE))
        .apply("SpreadRanges", Reshuffle.viaRandomKey())
        .apply("Parse", ParDo.of(new ParseRecordsFn(ParseSettings.of(schema, p.format())
            .withSchemaSource(schemaSource).withDelimiter(p.delimiter().charAt(0)).withNullValues(p.nullValues())
            .withSplits(ratios, tempDirs).withFileSplits(plan.fileSplits()).withSplitBy(p.splitBy())
            .withBatchSize(p.batchSize()).withBadRows(p.badRows()).withQuarantineDir(quarantineTemp)
            .withMaxRecordBytes(p.maxRecordBytes()).withFiles(files).withShards(shards)
            .withLabel(p.label(), p.missingLabel())))
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
    org.millrace.api.fault.CrashPoints.hit("examplegen-parts"); // test-only: kill -9 with parts written
    long read = BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "rows_read");
    long rejected = BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "rows_rejected");
    var props = new LinkedHashMap<String, Object>(Examples.splitProperties(splits));
    props.put(Examples.SPAN, plan.span());
    props.put("spans", plan.spans().stream().map(String::valueOf).collect(Collectors.joining(",")));
    props.put(Examples.VERSION, plan.version());
    props.put("versions", plan.versions().stream().map(String::valueOf).collect(Collectors.joining(",")));
    props.put("input_files", (long) files.size());
    props.put("rows_read", read);
    props.put("rejected_rows", rejected);
    long labelDropped = BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "missing_label_dropped");
    long labelQuarantined = BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "missing_label_quarantined");
    if (p.label() != null) {
      props.put("missing_label_dropped", labelDropped);
      props.put("missing_label_quarantined", labelQuarantined);
      if (labelDropped + labelQuarantined > 0) {
        ctx.notice().info("ExampleGen: {} rows with a missing label '{}' {}", labelDropped + labelQuarantined, p.label(),
            labelDropped > 0 ? "dropped (missing_label: drop)" : "quarantined to " + out.resolve(QUARANTINE)
            + " (missing_label: quarantine)");
      }
    }
    long written = 0;
    for (String split : splits) {
      long n = BeamPipelines.counter(result, ParseRecordsFn.NAMESPACE, "rows_" + split);
      props.put("row_count_" + split, n);
      written += n;
      Path splitDir = Files.createDirectories(out.resolve("Split-" + split));
      if (ExamplesIO.parts(splitDir).isEmpty()) {
        // An empty split still has a part file: readers find its schema and zero rows, not an error.
        ExamplesIO.write(splitDir, schema, 0, List.of());
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
    FileSystems.setDefaultPipelineOptions(BeamPipelines.options(ctx.beamArgs()));
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
}
