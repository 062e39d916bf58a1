package org.millrace.trainer.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Training on OpenCL stays equal to the Java backend when the collector moves the arena between
 * launches: a child JVM with the serial collector (which moves every array it compacts), a small
 * arena and a full collection after every step ({@link ArenaMoveMain}). Before the backend noticed
 * moves, Aparapi rebuilt the device buffer from the stale Java copy and the weights and Adam
 * moments silently went back to their initial values.
 */
class ArenaMoveTest {

  @Test
  void trainingEqualsTheJavaBackendWhenTheCollectorMovesTheArena() throws Exception {
    Assumptions.assumeTrue(!OpenCLBackend.devices().isEmpty(), "no OpenCL platform on this machine: skipped");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx256m");
    command.add("--add-modules=jdk.incubator.vector");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ArenaMoveMain.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    System.out.println(text);
    assertEquals(0, done ? p.exitValue() : -1, "child JVM (serial collector, full collection after each step):\n"
        + text);
  }
}
