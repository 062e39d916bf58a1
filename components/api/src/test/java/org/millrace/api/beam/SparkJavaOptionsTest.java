package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Beam's SparkRunner reads while its context is made: the user's executor options, then millrace's. */
class SparkJavaOptionsTest {
  @Test
  void theExecutorPropertyCarriesMillracesOptionsOnlyWhileTheContextIsMade() {
    String key = SparkJavaOptions.EXECUTOR_KEY;
    String before = System.getProperty(key);
    try {
      System.clearProperty(key);
      String seen = SparkJavaOptions.withExecutorSystemProperty(() -> System.getProperty(key));
      assertEquals(String.join(" ", SparkJavaOptions.REQUIRED), seen);
      assertNull(System.getProperty(key), "put back as it was");

      System.setProperty(key, "-Xss8m");
      seen = SparkJavaOptions.withExecutorSystemProperty(() -> System.getProperty(key));
      assertTrue(seen.startsWith("-Xss8m --add-opens=java.base/java.lang=ALL-UNNAMED"), seen);
      assertTrue(seen.endsWith("--add-modules=jdk.incubator.vector"), seen);
      assertEquals("-Xss8m", System.getProperty(key));
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  /**
   * The executors get the options every other millrace JVM gets: the build's list (this test's JVM
   * runs with it, as the distribution's conf/jvm.options and the image carry it) and the
   * {@code millrace} launcher's, the JIT directive for the Java backend among them (ADR 0014).
   */
  @Test
  void everyOptionIsOneTheLauncherAndTheBuildPassToo() throws IOException {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    String launcher = Files.readString(Path.of("../../millrace"));
    String benchmarks = Files.readString(Path.of("../../benchmarks/millrace-jvm.bash"));
    for (String option : SparkJavaOptions.REQUIRED) {
      assertTrue(jvm.contains(option), option + " not among this JVM's options " + jvm);
      assertTrue(launcher.contains(" " + option + "\n") || launcher.contains(" " + option + " ")
          || launcher.contains("'" + option + "'"), option + " not in the millrace launcher's flags");
      // The benchmarks time millrace's JVMs with the JIT options the launcher gives them.
      assertTrue(!option.startsWith("-XX:") || benchmarks.contains(option),
          option + " not in benchmarks/millrace-jvm.bash");
    }
    assertTrue(SparkJavaOptions.REQUIRED.contains(
        "-XX:CompileCommand=CompileThresholdScaling,org.millrace.trainer.backend.*::*,0.01"), "the JIT directive");
  }
}
