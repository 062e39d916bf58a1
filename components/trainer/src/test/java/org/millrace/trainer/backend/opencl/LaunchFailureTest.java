package org.millrace.trainer.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A launch that fails after the first ones (here: a work group larger than the device allows) is
 * an error naming the device and Aparapi's cause, and every later operation fails too; Aparapi
 * would otherwise run it on another device or in Java threads, on stale host arrays. In a child
 * JVM ({@link LaunchFailureMain}): Aparapi remembers the failed device for the rest of the JVM.
 */
class LaunchFailureTest {

  @Test
  void aFailedLaunchAfterTheFirstIsAnErrorAndPoisonsTheBackend() throws Exception {
    Assumptions.assumeTrue(!OpenCLBackend.devices().isEmpty(), "no OpenCL platform on this machine: skipped");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        LaunchFailureMain.class.getName())).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(2, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    System.out.println(text);
    assertEquals(0, done ? p.exitValue() : -1, "child JVM:\n" + text);
  }
}
