package org.millrace.validate.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.ParDo;
import org.millrace.api.artifact.Examples;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.BeamResults;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.beam.InProcess;
import org.millrace.api.format.StatisticsModel;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.statistics.WrittenStatistics;
import org.millrace.validate.beam.StatisticsCombineFn;
import org.millrace.validate.statistics.StatisticsHtml;

/**
 * Statistics of every split of an Examples artifact: in one Beam pipeline on a named runner, in
 * process on the embedded default.
 */
public final class StatisticsGenExecutor implements Executor<StatisticsGenExecutor.Params> {

  /** StatisticsGen takes no parameters. */
  public record Params() {}

  @Override
  public ExecutorResult execute(ExecutorInput<Params> input, ExecutionContext ctx) throws Exception {
    Examples examples = input.input(ValidateComponents.EXAMPLES);
    Path out = input.output(ValidateComponents.STATISTICS);
    var models = new ArrayList<StatisticsModel>();
    for (var e : statistics(examples, ctx.beamArgs(), ctx).entrySet()) {
      StatisticsModel model = StatisticsModel.fromJson(e.getValue(), "statistics of split " + e.getKey());
      model.write(out);
      models.add(model);
    }
    Files.writeString(out.resolve("index.html"), StatisticsHtml.render("Statistics of " + examples.uri(), models));
    return ExecutorResult.builder().property(ValidateComponents.STATISTICS, "split_names",
        String.join(",", examples.splitNames())).build();
  }

  /**
   * Each split's statistics as JSON, in split order: in process when the pipeline names no runner
   * ({@link InProcess}), else by a Beam pipeline; the same {@link StatisticsCombineFn} either way.
   */
  static java.util.Map<String, String> statistics(Examples examples, List<String> beamArgs, ExecutionContext ctx)
      throws Exception {
    if (InProcess.applies(beamArgs)) {
      InProcess.validate(beamArgs);
      // Splits whose statistics ExampleGen computed as it wrote them, in this JVM, are not read again.
      var json = new java.util.LinkedHashMap<String, String>();
      var dirs = new java.util.LinkedHashMap<String, Path>();
      for (String split : examples.splitNames()) {
        String written = WrittenStatistics.take(examples.splitDir(split));
        json.put(split, written);
        if (written == null) {
          dirs.put(split, examples.splitDir(split));
        }
      }
      if (dirs.size() < json.size()) {
        ctx.log().info("StatisticsGen: the statistics of split(s) {} were computed as ExampleGen wrote them, in this"
            + " JVM; reading {}", json.keySet().stream().filter(s -> !dirs.containsKey(s)).toList(), dirs.keySet());
      }
      json.putAll(InProcess.combine(dirs, StatisticsCombineFn::new, InProcess.parallelism(beamArgs)));
      return json;
    }
    Pipeline p = BeamPipelines.create(beamArgs);
    // The statistics travel from the worker to this driver through Beam's FileSystems (the workers
    // need not share this disk); the driver writes the artifact.
    String results = BeamResults.directory(p.getOptions(), ctx.tempDir());
    var locations = new java.util.LinkedHashMap<String, String>();
    for (String split : examples.splitNames()) {
      String location = BeamResults.location(results, "statistics", "Split-" + split + ".json");
      locations.put(split, location);
      p.apply("Statistics-" + split, ExamplesBeamIO.combine(examples.splitDir(split), new StatisticsCombineFn(split)))
          .apply("Write-" + split, ParDo.of(BeamResults.writeText(location)));
    }
    try {
      BeamPipelines.run(p);
    } catch (RuntimeException e) {
      throw BeamPipelines.unwrap(e);
    }
    var json = new java.util.LinkedHashMap<String, String>();
    for (var e : locations.entrySet()) {
      json.put(e.getKey(), BeamResults.readText(e.getValue()));
    }
    BeamResults.delete(List.copyOf(locations.values()));
    return json;
  }
}
