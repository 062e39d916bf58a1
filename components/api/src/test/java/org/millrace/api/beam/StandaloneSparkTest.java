package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which arguments name Beam's Spark runner on a standalone master, where millrace stages no files
 * (the workers run its jars): the runner by its short name, its lower-case name or its class's full
 * name (which staged the driver's 316 MB class path again).
 */
class StandaloneSparkTest {
  @Test
  void theSparkRunnerOnASparkMasterByAnyOfItsNames() {
    for (String runner : List.of("SparkRunner", "spark", "sparkrunner", "org.apache.beam.runners.spark.SparkRunner")) {
      assertTrue(BeamPipelines.standaloneSpark(List.of("--runner=" + runner, "--sparkMaster=spark://h:7077")), runner);
    }
    assertFalse(BeamPipelines.standaloneSpark(List.of("--runner=SparkRunner", "--sparkMaster=local[2]")));
    assertFalse(BeamPipelines.standaloneSpark(List.of("--runner=DirectRunner", "--sparkMaster=spark://h:7077")));
    assertFalse(BeamPipelines.standaloneSpark(List.of("--runner=FlinkRunner", "--sparkMaster=spark://h:7077")));
  }
}
