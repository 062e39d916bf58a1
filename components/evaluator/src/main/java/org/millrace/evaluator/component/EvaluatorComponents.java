package org.millrace.evaluator.component;

import java.util.List;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;

/** Registers the Evaluator component. */
public final class EvaluatorComponents implements ComponentProvider {
  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(EvaluatorSpec.SPEC);
  }
}
