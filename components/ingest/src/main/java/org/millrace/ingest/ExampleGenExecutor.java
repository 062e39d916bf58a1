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
import org.millrace.api.beam.BatchCoder;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.ingest.beam.ParseCsvFn;
import org.millrace.ingest.beam.WriteLinesFn;

/**
 * Reads the resolved span's files (CSV, JSON lines, Arrow IPC or Parquet) into Examples: Arrow IPC part files per split, written by a
 * Beam pipeline of Arrow batches; rejected rows in {@code quarantine/rejected.jsonl}.
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
    ctx.log().info("ExampleGen: spans {} versions {} ({} files), schema {}", plan.spans(), plan.versions(),
        files.size(), schemaSource);
    Path out = input.output(ExampleGenComponent.EXAMPLES);
    List<String> splits = p.splitNames();
    Map<String, Integer> ratios = p.splitRatios() != null ? p.splitRatios()
        : splits.stream().collect(Collectors.toMap(s -> s, s -> 1, (a, b) -> a, TreeMap::new));

    Pipeline pipeline = BeamPipelines.create(ctx.beamArgs());
    PCollectionTuple parsed = pipeline
        .apply("ListFiles", Create.of(files).withCoder(StringUtf8Coder.of()))
        .apply("SpreadFiles", Reshuffle.viaRandomKey())
        .apply("Parse", ParDo.of(new ParseCsvFn(schema, schemaSource, p.delimiter().charAt(0), p.nullValues(),
            ratios, plan.fileSplits(), p.splitBy(), p.batchSize(), p.badRows() == ExampleGenParams.BadRows.QUARANTINE,
            p.format()))
            .withOutputTags(ParseCsvFn.BATCHES, TupleTagList.of(ParseCsvFn.REJECTED)));
    PCollection<KV<String, Batch>> batches = parsed.get(ParseCsvFn.BATCHES)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), BatchCoder.of()));
    for (String split : splits) {
      batches.apply("Select-" + split, Filter.by(kv -> kv.getKey().equals(split)))
          .apply("Batches-" + split, Values.create()).setCoder(BatchCoder.of())
          .apply("Write-" + split, ExamplesBeamIO.write(out.resolve("Split-" + split), schema, p.shards()));
    }
    parsed.get(ParseCsvFn.REJECTED).setCoder(StringUtf8Coder.of())
        .apply("KeyRejected", WithKeys.of(0))
        .apply("GroupRejected", GroupByKey.create())
        .apply("WriteQuarantine", ParDo.of(new WriteLinesFn(out.resolve(QUARANTINE).toString())));

    PipelineResult result;
    try {
      result = BeamPipelines.run(pipeline);
    } catch (RuntimeException e) {
      throw BeamPipelines.unwrap(e);
    }
    long read = BeamPipelines.counter(result, ParseCsvFn.NAMESPACE, "rows_read");
    long rejected = BeamPipelines.counter(result, ParseCsvFn.NAMESPACE, "rows_rejected");
    var props = new LinkedHashMap<String, Object>(Examples.splitProperties(splits));
    props.put(Examples.SPAN, plan.span());
    props.put("spans", plan.spans().stream().map(String::valueOf).collect(Collectors.joining(",")));
    props.put(Examples.VERSION, plan.version());
    props.put("versions", plan.versions().stream().map(String::valueOf).collect(Collectors.joining(",")));
    props.put("input_files", (long) files.size());
    props.put("rows_read", read);
    props.put("rejected_rows", rejected);
    long written = 0;
    for (String split : splits) {
      long n = BeamPipelines.counter(result, ParseCsvFn.NAMESPACE, "rows_" + split);
      props.put("row_count_" + split, n);
      written += n;
      Files.createDirectories(out.resolve("Split-" + split));
    }
    if (written + rejected != read) {
      throw new IllegalStateException("BUG: rows read " + read + " != written " + written + " + rejected " + rejected);
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
