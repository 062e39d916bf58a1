package org.millrace.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.millrace.api.artifact.Blessing.Check;
import org.millrace.api.format.SliceMetrics;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.evaluator.component.EvaluatorComponents;

class ValidatorTest {
  private static SliceMetrics m(double logLoss) {
    return new SliceMetrics(Map.of("log_loss", logLoss), List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void upperBoundAndCrossedSliceLookup() {
    var params = ParameterBinder.bind(EvaluatorParams.class, Map.of("thresholds", List.of(
        Map.of("metric", "log_loss", "upper", 0.5, "slice", Map.of("sex", "F", "island", "A")))));
    var checks = Validator.validate(params, Map.of("Overall", m(0.1), "island=A,sex=F", m(0.7)), null, Set.of());
    assertEquals(1, checks.size());
    Check c = checks.get(0);
    assertEquals("island=A,sex=F", c.slice());
    assertEquals("fail", c.status());
    assertEquals("0.700000 > upper bound 0.500000", c.message());
  }

  @Test
  void lowerIsBetterRelativeChange() {
    var params = ParameterBinder.bind(EvaluatorParams.class, Map.of("thresholds", List.of(
        Map.of("metric", "log_loss", "change_relative", -0.05, "higher_is_better", false))));
    // 4% worse than the baseline is allowed by -5%, 10% worse is not
    assertEquals("pass", Validator.validate(params, Map.of("Overall", m(0.52)), Map.of("Overall", m(0.5)), Set.of())
        .get(0).status());
    Check c = Validator.validate(params, Map.of("Overall", m(0.55)), Map.of("Overall", m(0.5)), Set.of()).get(0);
    assertEquals("fail", c.status());
    assertEquals(0.5, c.baseline());
    assertTrue(c.message().startsWith("relative improvement -0.100000 (lower is better)"), c.message());
  }

  @Test
  void aMetricTheTaskDoesNotComputeFailsWithTheKnownNames() {
    var params = ParameterBinder.bind(EvaluatorParams.class, Map.of("thresholds", List.of(
        Map.of("metric", "rmse", "lower", 0.5))));
    Check c = Validator.validate(params, Map.of("Overall", m(0.5)), null, Set.of()).get(0);
    assertEquals("metric expected one of [log_loss], got 'rmse'", c.message());
  }

  @Test
  void aMetricNoTaskComputesIsRefusedWhenBound() {
    var e = assertThrows(org.millrace.api.spec.ParameterException.class, () -> ParameterBinder.bind(
        EvaluatorParams.class, Map.of("thresholds", List.of(Map.of("metric", "rsquared", "lower", 0.2)))));
    assertTrue(e.getMessage().endsWith("got 'rsquared'") && e.getMessage().contains("r2"), e.getMessage());
  }

  @Test
  void evaluatorRegisteredAsComponentProvider() {
    assertTrue(ServiceLoader.load(ComponentProvider.class).stream()
        .anyMatch(p -> p.type() == EvaluatorComponents.class));
    assertEquals("Evaluator", new EvaluatorComponents().components().get(0).type());
  }
}
