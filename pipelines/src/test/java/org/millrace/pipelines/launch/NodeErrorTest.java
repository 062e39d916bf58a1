package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.junit.jupiter.api.Test;

/** A failed node's error as the console shows it: the reason, not the wrappers' class names. */
class NodeErrorTest {
  @Test
  void aWrapperThatSaysNothingOfItsOwnIsLeftOut() {
    var reason = new IllegalArgumentException("feature 'bmi' expected a finite number, got NaN");
    assertEquals("feature 'bmi' expected a finite number, got NaN",
        NodeLauncher.describe(new PipelineExecutionException(reason)));
    assertEquals("feature 'bmi' expected a finite number, got NaN",
        NodeLauncher.describe(new RuntimeException(new PipelineExecutionException(reason))));
  }

  @Test
  void aWrapperWithItsOwnWordsAndAnUnexpectedFailureKeepTheirNames() {
    assertEquals("RuntimeException: reading part 3", NodeLauncher.describe(
        new RuntimeException("reading part 3", new IllegalArgumentException("x"))));
    assertEquals("NullPointerException: y", NodeLauncher.describe(
        new PipelineExecutionException(new NullPointerException("y"))));
    assertEquals("UncheckedIOException: java.nio.file.NoSuchFileException: /data/x.csv", NodeLauncher.describe(
        new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/data/x.csv"))));
  }
}
