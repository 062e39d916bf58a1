package org.millrace.evaluator;

import java.util.List;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.artifact.ModelEvaluation;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;

/** The Evaluator component. */
public final class EvaluatorComponents implements ComponentProvider {
  public static final InputKey<Examples> EXAMPLES = InputKey.of("examples", Examples.TYPE);
  public static final InputKey<Model> MODEL = InputKey.of("model", Model.TYPE);
  public static final InputKey<Model> BASELINE_MODEL = InputKey.optional("baseline_model", Model.TYPE);
  public static final OutputKey<ModelEvaluation> EVALUATION = OutputKey.of("evaluation", ModelEvaluation.TYPE);
  public static final OutputKey<ModelBlessing> BLESSING = OutputKey.of("blessing", ModelBlessing.TYPE);

  public static final ComponentSpec<EvaluatorParams> EVALUATOR = ComponentSpec.builder("Evaluator", EvaluatorParams.class)
      .description("Metrics of the candidate (and baseline) on raw examples, thresholds, blessing.")
      .input(EXAMPLES).input(MODEL).input(BASELINE_MODEL).output(EVALUATION).output(BLESSING)
      .executor(EvaluatorExecutor::new).build();

  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(EVALUATOR);
  }
}
