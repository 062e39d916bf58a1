package org.millrace.ingest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.ingest.beam.ParseCsvFn;
import org.millrace.ingest.beam.PlanRangesFn;
import org.millrace.ingest.beam.TextRange;
import org.millrace.ingest.beam.WriteLinesFn;
import org.millrace.ingest.csv.JsonLines;
import org.millrace.ingest.csv.SchemaInference;

/**
 * Reads the resolved span's files into Examples: Arrow IPC part files per split, written by a
 * Beam pipeline of Arrow batches; rejected rows in {@code quarantine/rejected.jsonl}.
 */
public final class ExampleGenExecutor implements Executor<ExampleGenParams> {
  static final String QUARANTINE = "quarantine/rejected.jsonl";

  @Override
  public ExecutorResult execute(ExecutorInput<ExampleGenParams> input, ExecutionContext ctx) throws Exception {
    ExampleGenParams p = input.parameters();
    SpanResolver.Resolution span = SpanResolver.resolve(p.input(), p.span(), p.spanRange(), p.rollingWindow());
    List<String> files = span.files().stream().map(f -> f.toAbsolutePath().toString()).toList();
    DataSchema schema;
    String schemaSource;
    if (p.schemaFile() != null) {
      schema = DataSchema.readYaml(Path.of(p.schemaFile()));
      schemaSource = p.schemaFile();
    } else {
      try (InputStream in = Files.newInputStream(Path.of(files.get(0)))) {
        schema = p.format().equals("arrow") ? arrowSchema(Path.of(files.get(0)))
            : p.format().equals("jsonl")
            ? JsonLines.infer(new java.io.BufferedReader(new java.io.InputStreamReader(in,
                java.nio.charset.StandardCharsets.UTF_8)), files.get(0), p.inferSampleRows())
            : SchemaInference.infer(in, files.get(0), p.delimiter().charAt(0), new HashSet<>(p.nullValues()),
                p.inferSampleRows());
      }
      schemaSource = "inferred from " + files.get(0);
    }
    ctx.log().info("ExampleGen: spans {} ({} files), schema {}", span.spans(), files.size(), schemaSource);
    Path out = input.output(ExampleGenComponent.EXAMPLES);
    List<String> splits = List.copyOf(p.splitRatios().keySet());

    Pipeline pipeline = BeamPipelines.create(ctx.beamArgs());
    List<String> tempDirs = splits.stream().map(s -> ExamplesBeamIO.tempDir(out.resolve("Split-" + s))).toList();
    PCollectionTuple parsed = pipeline
        .apply("ListFiles", Create.of(files).withCoder(StringUtf8Coder.of()))
        .apply("PlanRanges", ParDo.of(new PlanRangesFn(schema.names(), schemaSource, p.delimiter().charAt(0),
            p.format())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TextRange.Coder.INSTANCE))
        .apply("SpreadRanges", Reshuffle.viaRandomKey())
        .apply("ParseCsv", ParDo.of(new ParseCsvFn(schema, schemaSource, p.delimiter().charAt(0), p.nullValues(),
            p.splitRatios(), p.splitBy(), p.batchSize(), p.badRows() == ExampleGenParams.BadRows.QUARANTINE,
            p.format(), tempDirs))
            .withOutputTags(ParseCsvFn.PARTS, TupleTagList.of(ParseCsvFn.REJECTED)));
    PCollection<KV<String, TempPart>> parts = parsed.get(ParseCsvFn.PARTS)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TempPart.Coder.INSTANCE));
    int shards = p.shards() == null ? ExamplesBeamIO.AUTO_SHARDS : p.shards();
    for (int i = 0; i < splits.size(); i++) {
      String split = splits.get(i);
      parts.apply("Select-" + split, Filter.by(kv -> kv.getKey().equals(split)))
          .apply("Parts-" + split, Values.create()).setCoder(TempPart.Coder.INSTANCE)
          .apply("Finalize-" + split, ExamplesBeamIO.finalizeParts(out.resolve("Split-" + split), tempDirs.get(i), shards));
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
    props.put(Examples.SPAN, span.span());
    props.put("spans", span.spans().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
    props.put(Examples.VERSION, 0L);
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

  /** The columns of an Arrow IPC file, all nullable (presence is SchemaGen's call). */
  static DataSchema arrowSchema(Path file) throws java.io.IOException {
    try (var alloc = new org.apache.arrow.memory.RootAllocator();
        var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
        var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc)) {
      DataSchema s = org.millrace.api.data.ArrowConversion.fromArrow(reader.getVectorSchemaRoot().getSchema());
      for (var f : s.features()) {
        if (f.isVector()) {
          throw new IllegalArgumentException(file + ": column '" + f.name() + "' expected a scalar (int, float, string,"
              + " bool), got a float vector of shape " + f.shape() + "; ingest reads tabular data");
        }
      }
      return new DataSchema(s.features().stream().map(f -> f.withNullable(true)).toList());
    } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
      throw new IllegalArgumentException(file + ": expected an Arrow IPC file, got " + e.getMessage(), e);
    }
  }

  /** The driver: a fingerprint of the resolved span's files (names, sizes, modification times). */
  static String fingerprint(ExampleGenParams p, ExecutionContext ctx) throws Exception {
    SpanResolver.Resolution span = SpanResolver.resolve(p.input(), p.span(), p.spanRange(), p.rollingWindow());
    var sb = new StringBuilder("spans=").append(span.spans());
    for (Path f : span.files()) {
      sb.append('\n').append(f.toAbsolutePath()).append(' ').append(Files.size(f)).append(' ')
          .append(Files.getLastModifiedTime(f).toMillis());
    }
    if (p.schemaFile() != null) {
      Path s = Path.of(p.schemaFile());
      sb.append("\nschema ").append(Files.size(s)).append(' ').append(Files.getLastModifiedTime(s).toMillis());
    }
    return sb.toString();
  }
}
