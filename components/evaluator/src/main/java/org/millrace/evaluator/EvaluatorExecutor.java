package org.millrace.evaluator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.beam.BeamPipelines;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;

/**
 * Evaluates the candidate (and the baseline, when one was resolved) on the raw eval split, overall
 * and per slice, checks the thresholds and writes {@code evaluation.json}, {@code index.html} and
 * {@code blessing.json}.
 */
public final class EvaluatorExecutor implements Executor<EvaluatorParams> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public ExecutorResult execute(ExecutorInput<EvaluatorParams> input, ExecutionContext ctx) throws Exception {
    EvaluatorParams p = input.parameters();
    Examples examples = input.input(EvaluatorComponents.EXAMPLES);
    Model candidate = input.input(EvaluatorComponents.MODEL);
    Optional<Model> baseline = input.optionalInput(EvaluatorComponents.BASELINE_MODEL);
    Path resultFile = ctx.tempDir().resolve("evaluation-accumulators.json");
    Pipeline pipeline = BeamPipelines.create(ctx.beamArgs());
    pipeline.apply("Read", ExamplesBeamIO.read(examples.splitDir(p.split())))
        .apply("Evaluate", Combine.globally(new EvaluateCombineFn(candidate.path(),
            baseline.map(Model::path).orElse(null), p.slices())))
        .apply("Write", ParDo.of(new WriteFn(resultFile.toString())));
    try {
      BeamPipelines.run(pipeline);
    } catch (RuntimeException e) {
      throw BeamPipelines.unwrap(e);
    }
    EvaluateCombineFn.Acc acc = EvaluateCombineFn.parse(Files.readString(resultFile));
    Map<String, Object> slices = new LinkedHashMap<>();
    var suppressed = new java.util.ArrayList<String>();
    acc.candidate.forEach((key, m) -> {
      if (m.count() < p.minSliceSize()) {
        suppressed.add(key + " (" + m.count() + " examples)");
        return;
      }
      var entry = new LinkedHashMap<String, Object>();
      entry.put("candidate", m.metrics());
      if (acc.baseline.containsKey(key)) {
        entry.put("baseline", acc.baseline.get(key).metrics());
      }
      if (key.equals(Slices.OVERALL) && m.confusion != null) {
        entry.put("confusion_matrix", m.confusionMatrix());
      }
      slices.put(key, entry);
    });
    Map<String, Double> overall = acc.candidate.get(Slices.OVERALL).metrics();
    Map<String, Double> baseOverall = acc.baseline.containsKey(Slices.OVERALL)
        ? acc.baseline.get(Slices.OVERALL).metrics() : null;
    Blessing.Decision decision = Blessing.decide(p, overall, baseOverall);
    ctx.log().info("Evaluator: {}", Blessing.table(decision));

    Path evalDir = input.output(EvaluatorComponents.EVALUATION);
    var evaluation = new LinkedHashMap<String, Object>();
    evaluation.put("candidate", candidate.uri());
    evaluation.put("baseline", baseline.map(Model::uri).orElse(null));
    evaluation.put("split", p.split());
    evaluation.put("slices", slices);
    evaluation.put("suppressed_slices", suppressed);
    JSON.writeValue(evalDir.resolve("evaluation.json").toFile(), evaluation);
    Files.writeString(evalDir.resolve("index.html"), EvaluationHtml.render(candidate.uri(), slices, decision));

    Path blessDir = input.output(EvaluatorComponents.BLESSING);
    JSON.writeValue(blessDir.resolve("blessing.json").toFile(), Map.of("blessed", decision.blessed(),
        "summary", decision.summary(), "checks", decision.checks(), "candidate", candidate.uri(),
        "baseline", baseline.map(Model::uri).orElse("")));
    var result = ExecutorResult.builder()
        .property(EvaluatorComponents.BLESSING, "blessed", decision.blessed() ? 1L : 0L)
        .property(EvaluatorComponents.BLESSING, "summary", decision.summary())
        .property(EvaluatorComponents.BLESSING, "model_uri", candidate.uri());
    for (String metric : List.of("accuracy", "log_loss", "auc_roc", "rmse", "r2")) {
      Double v = overall.get(metric);
      if (v != null && !v.isNaN()) {
        result.property(EvaluatorComponents.EVALUATION, metric, v);
      }
    }
    return result.build();
  }

  static final class WriteFn extends DoFn<String, Void> {
    private final String file;

    WriteFn(String file) {
      this.file = file;
    }

    @ProcessElement
    public void process(@Element String json) throws Exception {
      Files.writeString(Path.of(file), json);
    }
  }
}
