package org.millrace.validate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.millrace.api.artifact.Examples;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.validate.beam.StatisticsCombineFn;
import org.millrace.validate.statistics.StatisticsHtml;
import org.millrace.validate.statistics.StatisticsModel;

/** Statistics of every split of an Examples artifact, in one Beam pipeline. */
public final class StatisticsGenExecutor implements Executor<StatisticsGenExecutor.Params> {

  /** StatisticsGen takes no parameters. */
  public record Params() {}

  @Override
  public ExecutorResult execute(ExecutorInput<Params> input, ExecutionContext ctx) throws Exception {
    Examples examples = input.input(ValidateComponents.EXAMPLES);
    Path out = input.output(ValidateComponents.STATISTICS);
    Pipeline p = BeamPipelines.create(ctx.beamArgs());
    for (String split : examples.splitNames()) {
      p.apply("Statistics-" + split, ExamplesBeamIO.combine(examples.splitDir(split), new StatisticsCombineFn(split)))
          .apply("Write-" + split, ParDo.of(new WriteFn(out.resolve("Split-" + split).toString())));
    }
    try {
      BeamPipelines.run(p);
    } catch (RuntimeException e) {
      throw BeamPipelines.unwrap(e);
    }
    var models = new ArrayList<StatisticsModel>();
    for (String split : examples.splitNames()) {
      models.add(StatisticsModel.read(out, split));
    }
    Files.writeString(out.resolve("index.html"), StatisticsHtml.render("Statistics of " + examples.uri(), models));
    return ExecutorResult.builder().property(ValidateComponents.STATISTICS, "split_names",
        String.join(",", examples.splitNames())).build();
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final String dir;

    WriteFn(String dir) {
      this.dir = dir;
    }

    @ProcessElement
    public void process(@Element String json) throws Exception {
      Files.createDirectories(Path.of(dir));
      Files.writeString(Path.of(dir, StatisticsModel.FILE), json);
    }
  }
}
