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
    for (StatisticsModel model : statistics(examples, ctx.beamArgs(), ctx).values()) {
      model.write(out);
      models.add(model);
    }
    Files.writeString(out.resolve("index.html"), StatisticsHtml.render("Statistics of " + examples.uri(), models));
    return ExecutorResult.builder().property(ValidateComponents.STATISTICS, "split_names",
        String.join(",", examples.splitNames())).build();
  }

  /**
   * Each split's statistics, in split order: in process when the pipeline names no runner
   * ({@link InProcess}), else by a Beam pipeline; the same {@link StatisticsCombineFn} either way.
   */
  static java.util.Map<String, StatisticsModel> statistics(Examples examples, List<String> beamArgs,
      ExecutionContext ctx) throws Exception {
    if (InProcess.applies(beamArgs)) {
      InProcess.validate(beamArgs);
      // Splits whose statistics ExampleGen computed as it wrote them, in this JVM, are not read again.
      var models = new java.util.LinkedHashMap<String, StatisticsModel>();
      var dirs = new java.util.LinkedHashMap<String, Path>();
      for (String split : examples.splitNames()) {
        StatisticsModel written = WrittenStatistics.take(examples.splitDir(split));
        models.put(split, written);
        if (written == null) {
          dirs.put(split, examples.splitDir(split));
        }
      }
      if (dirs.size() < models.size()) {
        ctx.log().info("StatisticsGen: the statistics of split(s) {} were computed as ExampleGen wrote them, in this"
            + " JVM; reading {}", models.keySet().stream().filter(s -> !dirs.containsKey(s)).toList(), dirs.keySet());
      }
      InProcess.combine(dirs, StatisticsCombineFn::new, InProcess.parallelism(beamArgs))
          .forEach((split, json) -> models.put(split, parse(split, json)));
      return models;
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
    var models = new java.util.LinkedHashMap<String, StatisticsModel>();
    for (var e : locations.entrySet()) {
      models.put(e.getKey(), parse(e.getKey(), BeamResults.readText(e.getValue())));
    }
    BeamResults.delete(List.copyOf(locations.values()));
    return models;
  }

  private static StatisticsModel parse(String split, String json) {
    return StatisticsModel.fromJson(json, "statistics of split " + split);
  }
}
