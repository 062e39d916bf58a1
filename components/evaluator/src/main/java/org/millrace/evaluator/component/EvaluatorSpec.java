package org.millrace.evaluator.component;

import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.artifact.ModelEvaluation;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;
import org.millrace.evaluator.EvaluatorParams;

/** The {@code Evaluator} component: keys and spec. */
public final class EvaluatorSpec {
  public static final InputKey<Examples> EXAMPLES = InputKey.of("examples", Examples.TYPE);
  public static final InputKey<Model> MODEL = InputKey.of("model", Model.TYPE);
  public static final InputKey<Model> BASELINE_MODEL = InputKey.optional("baseline_model", Model.TYPE);
  public static final OutputKey<ModelEvaluation> EVALUATION = OutputKey.of("evaluation", ModelEvaluation.TYPE);
  public static final OutputKey<ModelBlessing> BLESSING = OutputKey.of("blessing", ModelBlessing.TYPE);

  /** The component spec. */
  public static final ComponentSpec<EvaluatorParams> SPEC = ComponentSpec.builder("Evaluator", EvaluatorParams.class)
      .version("2")
      .description("Sliced model metrics, validation against thresholds and a baseline, blessing")
      .input(EXAMPLES).input(MODEL).input(BASELINE_MODEL)
      .output(EVALUATION).output(BLESSING)
      .executor(EvaluatorExecutor::new)
      .build();

  private EvaluatorSpec() {}
}
