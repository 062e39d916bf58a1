package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.testing.RequiredCapabilities;

/**
 * The container image as a user runs it: {@code image/target/millrace-<version>-image.tar} (Jib's
 * OCI tarball, built by this build's {@code image/} module) loaded with {@code podman load} and
 * started with {@code podman run}, the commands docs/distribution.md gives. Needs podman (capability
 * {@code container}: required in CI, skipped elsewhere when podman is missing).
 *
 * <p>{@code MILLRACE_CONTAINER_RUN_ARGS} adds options to every {@code podman run}: {@code .ci/run}
 * gives the runtime and ulimits that a VM without {@code CAP_SYS_RESOURCE} needs.
 */
class ImageIT {
  @TempDir
  static Path tmp;

  private static String image;

  @BeforeAll
  static void load() throws Exception {
    boolean podman = Stream.of("/usr/bin/podman", "/usr/local/bin/podman").anyMatch(p -> Files.isExecutable(Path.of(p)));
    RequiredCapabilities.assume("container", podman, "podman is not installed (apt-get install podman runc)");
    Path target = MillraceProcess.repositoryRoot().resolve("image/target");
    Path tarball;
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      tarball = files.filter(p -> p.getFileName().toString().matches("millrace-[0-9][^/]*-image\\.tar")).findFirst()
          .orElseThrow(() -> new AssertionError("no millrace-<version>-image.tar in " + target + ": run mvn package"));
    }
    Result loaded = podman(List.of("load", "-i", tarball.toString()));
    assertEquals(0, loaded.code, loaded.toString());
    Matcher m = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)").matcher(loaded.out + loaded.err);
    assertTrue(m.find(), "podman load names the image it loaded: " + loaded);
    image = m.group(1);
    String version = tarball.getFileName().toString().replace("millrace-", "").replace("-image.tar", "");
    assertTrue(image.endsWith("millrace:" + version), "the image is tagged millrace:" + version + ", got " + image);
  }

  @AfterAll
  static void remove() throws Exception {
    if (image != null) {
      podman(List.of("rmi", "-f", image));
    }
  }

  @Test
  void theImageRunsTheExamplePipelineOnItsOwnJre() throws Exception {
    Result version = run(List.of(), "--version");
    assertEquals(0, version.code, version.toString());
    assertTrue(version.out.startsWith("millrace "), version.toString());

    // The README's command, the run's state kept in a host folder mounted over the image's.
    Path state = Files.createDirectories(tmp.resolve("state"));
    Result run = run(List.of("-v", state + ":/millrace/.millrace"), "run", "pipelines/examples/penguins/pipeline.yaml");
    assertEquals(0, run.code, run.toString());
    assertTrue(run.out.contains("BLESSED (evaluator): all checks passed"), run.toString());
    assertTrue(run.out.contains(": SUCCEEDED in "), run.toString());
    assertTrue(Files.isDirectory(state.resolve("registry/penguins")), "the pushed model in the mounted " + state);

    // A second container on the same state: the run is cached, and lineage reads the first one's store.
    Result again = run(List.of("-v", state + ":/millrace/.millrace"), "run", "pipelines/examples/penguins/pipeline.yaml");
    assertEquals(0, again.code, again.toString());
    assertTrue(again.out.contains("CACHED"), "the second run reuses the first one's outputs: " + again);
  }

  @Test
  void aBadCommandFailsWithAUsageErrorFromTheContainer() throws Exception {
    Result bad = run(List.of(), "run", "pipelines/examples/no-such/pipeline.yaml");
    assertEquals(2, bad.code, bad.toString());
    assertTrue(bad.err.contains("no-such/pipeline.yaml"), bad.toString());
  }

  private record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** {@code podman run --rm [MILLRACE_CONTAINER_RUN_ARGS] options image args}. */
  private static Result run(List<String> options, String... args) throws Exception {
    var command = new ArrayList<>(List.of("run", "--rm"));
    String extra = System.getenv().getOrDefault("MILLRACE_CONTAINER_RUN_ARGS", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(Arrays.asList(extra.split("\\s+")));
    }
    command.addAll(options);
    command.add(image);
    command.addAll(List.of(args));
    return podman(command);
  }

  private static Result podman(List<String> args) throws Exception {
    var command = new ArrayList<>(List.of("podman"));
    command.addAll(args);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end in 5 minutes");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
