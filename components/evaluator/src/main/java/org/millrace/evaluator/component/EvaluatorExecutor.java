package org.millrace.evaluator.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.api.artifact.Blessing.Check;
import org.millrace.api.artifact.Blessing;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.format.EvaluationResult;
import org.millrace.api.format.SliceMetrics;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.evaluator.BlessingReport;
import org.millrace.evaluator.EvaluatorParams;
import org.millrace.evaluator.HtmlReport;
import org.millrace.evaluator.SliceKeys;
import org.millrace.evaluator.SliceLimits;
import org.millrace.evaluator.SlicedAccumulator;
import org.millrace.evaluator.Validator;
import org.millrace.evaluator.beam.EvaluateModels;
import org.millrace.evaluator.metrics.MetricsCalculator;
import org.millrace.evaluator.metrics.SliceAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Evaluates the candidate (and baseline) model and writes the evaluation and the blessing. */
public final class EvaluatorExecutor implements Executor<EvaluatorParams> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorExecutor.class);

  @Override
  public ExecutorResult execute(ExecutorInput<EvaluatorParams> input, ExecutionContext context) {
    EvaluatorParams params = input.parameters();
    Examples examples = input.input(EvaluatorSpec.EXAMPLES);
    Model model = input.input(EvaluatorSpec.MODEL);
    Model baseline = input.optionalInput(EvaluatorSpec.BASELINE_MODEL).orElse(null);
    if (!examples.splitNames().contains(params.split())) {
      throw new IllegalArgumentException(String.format("split expected one of %s, got '%s' in examples %s",
          examples.splitNames(), params.split(), examples.uri()));
    }
    List<Path> models = new ArrayList<>(List.of(model.path()));
    if (baseline != null) {
      models.add(baseline.path());
    }
    try {
      Path work = Files.createDirectories(context.tempDir().resolve("evaluator-" + context.nodeId()));
      // Bounded slices, checked before any model runs.
      SliceLimits limits = SliceLimits.of(examples.splitDir(params.split()), params.slices(), params.maxSlices(),
          params.sliceOverflow(), params.split());
      limits.capped().forEach((spec, kept) -> LOG.warn("{}: slices [{}] have more than max_slices ({}) values:"
          + " kept the {} most frequent, the rest are in '{}'", context.nodeId(), spec, params.maxSlices(), kept,
          spec + "=" + SliceLimits.OTHER));
      List<SlicedAccumulator> accs = EvaluateModels.run(context.beamArgs(), examples.splitDir(params.split()),
          models, params.slices(), params.weightColumn(), params.aucBuckets(), work, limits);
      Map<String, Long> suppressed = new TreeMap<>();
      Map<String, SliceMetrics> cand = metrics(accs.get(0), params.minSliceSize(), suppressed);
      Map<String, SliceMetrics> base = baseline == null ? null
          : metrics(accs.get(1), params.minSliceSize(), new TreeMap<>());
      if (cand.isEmpty() && suppressed.isEmpty()) {
        throw new IllegalArgumentException("examples expected labelled rows in split '" + params.split()
            + "', got none in " + examples.uri());
      }
      var result = new EvaluationResult(model.uri(), baseline == null ? null : baseline.uri(), params.split(),
          params.minSliceSize(), cand, base == null ? Map.of() : base, suppressed);
      List<Check> checks = Validator.validate(params, cand, base, suppressed.keySet());
      boolean blessed = checks.stream().noneMatch(Check::failed);
      var blessing = new Blessing(blessed, model.uri(), baseline == null ? null : baseline.uri(),
          params.firstRun().name().toLowerCase(), "evaluator", blessed ? "all checks passed"
              : checks.stream().filter(Check::failed).count() + " check(s) failed", checks);
      Path evalDir = input.output(EvaluatorSpec.EVALUATION);
      result.write(evalDir);
      Files.writeString(evalDir.resolve("index.html"), HtmlReport.render(result, blessing));
      blessing.write(input.output(EvaluatorSpec.BLESSING));
      LOG.info("{}: model {} {}\n{}", context.nodeId(), model.uri(), blessed ? "BLESSED" : "NOT blessed",
          BlessingReport.render(blessing));
      SliceMetrics overall = cand.get(SliceKeys.OVERALL);
      var out = ExecutorResult.builder()
          .property(EvaluatorSpec.BLESSING, ModelBlessing.BLESSED, blessed ? 1L : 0L)
          .property(EvaluatorSpec.BLESSING, "failed_checks", (long) blessing.failedChecks().size())
          .property(EvaluatorSpec.EVALUATION, "slice_count", (long) cand.size())
          .property(EvaluatorSpec.EVALUATION, "suppressed_slice_count", (long) suppressed.size());
      if (overall != null) {
        overall.metrics().forEach((k, v) -> {
          if (!v.isNaN()) {
            out.property(EvaluatorSpec.EVALUATION, k, v);
          }
        });
      }
      return out.build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("evaluator could not write its outputs", e);
    }
  }

  /** Metrics of slices with at least {@code minSize} examples; smaller ones go to {@code suppressed}. */
  static Map<String, SliceMetrics> metrics(SlicedAccumulator acc, int minSize, Map<String, Long> suppressed) {
    Map<String, SliceMetrics> out = new TreeMap<>();
    for (Map.Entry<String, SliceAccumulator> e : acc.slices().entrySet()) {
      if (e.getValue().count() < minSize) {
        suppressed.put(e.getKey(), e.getValue().count());
      } else {
        out.put(e.getKey(), MetricsCalculator.compute(e.getValue()));
      }
    }
    return out;
  }
}
