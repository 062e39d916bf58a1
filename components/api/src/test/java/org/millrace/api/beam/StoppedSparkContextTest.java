package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A Beam stage on Spark whose context was stopped under it (the master unreachable, or its executors
 * failed) is told apart from other failures, so that the stage's error names the likely causes
 * instead of "Cannot call methods on a stopped SparkContext" (docs/spark-cluster.md).
 */
class StoppedSparkContextTest {
  @Test
  void sparksStoppedContextMessagesAnywhereInTheChainAreRecognized() {
    for (String spark : new String[] {"Cannot call methods on a stopped SparkContext.\nThis stopped SparkContext was"
        + " created at:", "SparkContext has been shutdown", "Job 3 cancelled because SparkContext was shut down"}) {
      assertTrue(BeamPipelines.stoppedContext(new RuntimeException("Pipeline execution failed",
          new IllegalStateException(spark))), spark);
    }
    assertFalse(BeamPipelines.stoppedContext(new RuntimeException("Pipeline execution failed",
        new IllegalArgumentException("column 'x' (1) expected float, got 'abc'"))));
  }
}
