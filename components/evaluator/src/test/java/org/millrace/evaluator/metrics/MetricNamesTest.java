package org.millrace.evaluator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ParameterException;
import org.millrace.evaluator.MetricThreshold;

/** The names a threshold may use are exactly those some task computes; any other is refused when bound. */
class MetricNamesTest {
  @Test
  void theNamesAreWhatTheTasksCompute() {
    var binary = new SliceAccumulator(2, 100);
    binary.addClassification(new double[] {0.3, 0.7}, 0, 1, 1.0);
    binary.addClassification(new double[] {0.8, 0.2}, 0, 0, 1.0);
    var multi = new SliceAccumulator(3, 100);
    multi.addClassification(new double[] {0.2, 0.5, 0.3}, 0, 1, 1.0);
    multi.addClassification(new double[] {0.6, 0.1, 0.3}, 0, 2, 1.0);
    var regression = new SliceAccumulator(0, 100);
    regression.addRegression(1.5, 2.0, 1.0);
    regression.addRegression(0.5, 0.0, 1.0);
    var computed = new TreeSet<String>();
    for (SliceAccumulator a : List.of(binary, multi, regression)) {
      computed.addAll(MetricsCalculator.compute(a).metrics().keySet());
    }
    assertEquals(computed, MetricsCalculator.NAMES);
  }

  @Test
  void aThresholdOnAnUnknownMetricIsRefused() {
    var e = assertThrows(ParameterException.class,
        () -> new MetricThreshold("rsquared", Map.of(), false, 0.2, null, null, null, null));
    assertEquals("metric", e.path());
    assertEquals("threshold metric expected one of " + MetricsCalculator.NAMES + ", got 'rsquared'", e.getMessage());
    assertEquals("r2", new MetricThreshold("r2", Map.of(), false, 0.2, null, null, null, null).metric());
  }
}
