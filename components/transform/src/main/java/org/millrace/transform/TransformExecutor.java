package org.millrace.transform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterException;
import org.millrace.transform.analyze.AnalyzerCache;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.beam.BeamApply;
import org.millrace.transform.beam.BeamFit;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.spec.FeatureResolver;
import org.millrace.transform.spec.TransformParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transform: fits the graph on the analyze splits of every input span (Beam combiners, optional
 * per-span analyzer cache), writes {@code transform_graph.json}, and applies the graph to every
 * split, writing transformed Examples ({@code features} float[d], {@code label}) and
 * {@code post_transform_statistics.json} (per split, per output feature) beside the splits.
 */
public final class TransformExecutor implements Executor<TransformParams> {
  private static final Logger LOG = LoggerFactory.getLogger(TransformExecutor.class);
  /** File with post-transform statistics inside the transformed Examples directory. */
  public static final String STATISTICS_FILE = "post_transform_statistics.json";

  @Override
  public ExecutorResult execute(ExecutorInput<TransformParams> input, ExecutionContext ctx) {
    TransformParams params = input.parameters();
    List<Examples> spans = input.inputs(TransformSpec.EXAMPLES);
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("transform input 'examples' expected at least one Examples, got none");
    }
    DataSchema raw = rawSchema(spans.get(0), params);
    input.optionalInput(TransformSpec.SCHEMA).ifPresent(s -> checkSchema(raw, s.path().resolve("schema.yaml"), params));
    var builder = new GraphBuilder(params, raw);
    FeatureResolver.Resolved features = builder.features();
    // Features chosen from the schema (auto, column groups) are printed and recorded beside the graph.
    boolean resolvedFromSchema = params.features().needsSchema();
    if (resolvedFromSchema) {
      ctx.notice().info("transform {}: {}", ctx.nodeId(), features.summary());
    }

    var fitSpans = new ArrayList<BeamFit.Span>();
    for (int i = 0; i < spans.size(); i++) {
      Examples ex = spans.get(i);
      var dirs = new ArrayList<Path>();
      for (String split : params.analyzeSplits()) {
        if (!ex.splitNames().contains(split)) {
          throw new ParameterException("analyze_splits", "analyze_splits expected splits of " + ex.splitNames()
              + ", got '" + split + "' [in Examples " + ex.uri() + "]");
        }
        dirs.add(ex.splitDir(split));
      }
      String spanId = ex.stringProperty(Examples.SPAN).orElse("#" + i) + "@" + ex.path().toAbsolutePath().normalize();
      fitSpans.add(new BeamFit.Span(spanId, dirs));
    }
    AnalyzerCache cache = params.analyzerCacheDir() == null ? null : new AnalyzerCache(Path.of(params.analyzerCacheDir()));
    var fit = new BeamFit(ctx.beamArgs(), ctx.tempDir().resolve("analyze"), cache).fit(builder, fitSpans);
    Graph graph = fit.graph();
    LOG.info("transform {}: fitted {} features (dim {}) in {} phases; span passes computed {}, cached {}",
        ctx.nodeId(), graph.pipelines().size(), graph.featureDim(), fit.phases(), fit.spanPassesComputed(),
        fit.spanPassesCached());
    Path graphDir = input.output(TransformSpec.TRANSFORM_GRAPH);
    graph.write(graphDir);
    if (resolvedFromSchema) {
      try {
        Files.writeString(graphDir.resolve(FeatureResolver.CHOICES_FILE), features.toJson(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write " + graphDir.resolve(FeatureResolver.CHOICES_FILE) + ": " + e, e);
      }
    }

    Path outDir = input.output(TransformSpec.TRANSFORMED_EXAMPLES);
    var splits = new LinkedHashMap<String, List<Path>>();
    for (Examples ex : spans) {
      for (String split : ex.splitNames()) {
        splits.computeIfAbsent(split, k -> new ArrayList<>()).add(ex.splitDir(split));
      }
    }
    var applied = new BeamApply(ctx.beamArgs(), ctx.tempDir().resolve("apply")).run(graph, splits, outDir, params.shards(),
        params.analyzeSplits(), params.label().classes() != null);
    var result = ExecutorResult.builder()
        .property(TransformSpec.TRANSFORM_GRAPH, "feature_dim", (long) graph.featureDim())
        .property(TransformSpec.TRANSFORM_GRAPH, "task", graph.task().spelling())
        .property(TransformSpec.TRANSFORM_GRAPH, "analyzer_passes_computed", (long) fit.spanPassesComputed())
        .property(TransformSpec.TRANSFORM_GRAPH, "analyzer_passes_cached", (long) fit.spanPassesCached())
        .properties(TransformSpec.TRANSFORMED_EXAMPLES, Examples.splitProperties(new ArrayList<>(splits.keySet())));
    var stats = new StringBuilder("{\n");
    int k = 0;
    for (var e : applied.entrySet()) {
      try {
        Files.createDirectories(outDir.resolve("Split-" + e.getKey()));
      } catch (IOException ex) {
        throw new IllegalStateException("cannot create split directory in " + outDir + ": " + ex, ex);
      }
      result.property(TransformSpec.TRANSFORMED_EXAMPLES, "row_count_" + e.getKey(), e.getValue().rows());
      stats.append(k++ > 0 ? ",\n" : "").append("  \"").append(e.getKey()).append("\": ").append(e.getValue().statisticsJson());
    }
    stats.append("\n}\n");
    Examples last = spans.get(spans.size() - 1);
    last.longProperty(Examples.SPAN).ifPresent(s -> result.property(TransformSpec.TRANSFORMED_EXAMPLES, Examples.SPAN, s));
    last.longProperty(Examples.VERSION).ifPresent(v -> result.property(TransformSpec.TRANSFORMED_EXAMPLES, Examples.VERSION, v));
    try {
      Files.writeString(outDir.resolve(STATISTICS_FILE), stats.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + outDir.resolve(STATISTICS_FILE) + ": " + e, e);
    }
    return result.build();
  }

  private static DataSchema rawSchema(Examples ex, TransformParams params) {
    String split = params.analyzeSplits().get(0);
    if (!ex.splitNames().contains(split)) {
      throw new ParameterException("analyze_splits", "analyze_splits expected splits of " + ex.splitNames()
          + ", got '" + split + "' [in Examples " + ex.uri() + "]");
    }
    return ExamplesIO.schema(ex.splitDir(split));
  }

  private static void checkSchema(DataSchema raw, Path schemaFile, TransformParams params) {
    DataSchema declared = DataSchema.readYaml(schemaFile);
    for (var f : raw.features()) {
      var d = declared.find(f.name());
      if (d.isPresent() && d.get().type() != f.type()) {
        throw new IllegalArgumentException("feature '" + f.name() + "' expected type " + d.get().type().label()
            + " (from " + schemaFile + "), got " + f.type().label() + " in the examples");
      }
    }
  }
}
