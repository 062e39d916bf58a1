package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
