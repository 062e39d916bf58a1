package org.millrace.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ./millrace} launcher as a separate process, as a user does from a shell: its
 * stdout, stderr and exit code are what a user sees. The launcher runs what the Maven build produced
 * ({@code MILLRACE_NO_BUILD=1}), from the repository root, against a private metadata store unless
 * the caller names one.
 */
final class MillraceProcess {
  /** A finished command. */
  record Result(int code, String out, String err) {
    String runId() {
      return out.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow(
          () -> new AssertionError("no run line in:\n" + this)).split(" ")[1].replace(":", "");
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** A command still running (a server, a scheduler, a run to be killed). */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private Running(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    long pid() {
      return process.pid();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String out() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until stdout or stderr contains {@code text}; fails with both streams if it does not in time. */
    void awaitOutput(String text, Duration timeout) throws Exception {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        if (out().contains(text) || err().contains(text)) {
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError("exited (" + process.exitValue() + ") before printing '" + text + "'\n--- stdout\n"
              + out() + "--- stderr\n" + err());
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no '" + text + "' within " + timeout + "\n--- stdout\n" + out() + "--- stderr\n" + err());
    }

    /** {@code kill -9} of the launcher's JVM: no shutdown hook, no finally block runs. */
    void kill9() throws Exception {
      new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start().waitFor();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl-C or a service manager would stop it; returns the exit code. */
    int terminate(Duration timeout) throws Exception {
      process.destroy();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
      return process.exitValue();
    }

    Result await(Duration timeout) throws Exception {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("still running after " + timeout + "\n--- stdout\n" + out() + "--- stderr\n" + err());
      }
      return new Result(process.exitValue(), out(), err());
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static int counter;

  private final Path repo;
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private String metadata;
  private Path workingDirectory;

  /** Commands run from the repository root; their logs and the private store go under {@code dir}. */
  MillraceProcess(Path dir) {
    this.repo = repositoryRoot();
    this.dir = dir;
    this.metadata = dir.resolve("metadata.db").toString();
  }

  /** Another store (a PostgreSQL JDBC URL, or null for the launcher's default in the working directory). */
  MillraceProcess metadata(String metadata) {
    this.metadata = metadata;
    return this;
  }

  MillraceProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Path repo() {
    return repo;
  }

  /**
   * Runs commands from {@code workingDirectory} instead of the repository root, through a
   * {@code millrace} there (a link to the launcher, as in {@link #workspace}).
   */
  MillraceProcess workingDirectory(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
    return this;
  }

  /**
   * A folder that looks like a checkout to the launcher and the example pipelines (links to
   * {@code millrace}, {@code cli/} (the built application), {@code pipelines/} and {@code examples/})
   * but has its own {@code .millrace/}:
   * README's commands run there exactly as printed without touching the repository's state.
   */
  static Path workspace(Path dir) throws IOException {
    Path repo = repositoryRoot();
    Files.createDirectories(dir);
    for (String name : List.of("millrace", "cli", "pipelines", "examples")) {
      if (!Files.exists(dir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(dir.resolve(name), repo.resolve(name));
      }
    }
    return dir;
  }

  /** Runs the command to its end (at most {@code timeout}). */
  Result run(Duration timeout, String... args) throws Exception {
    try (Running r = start(args)) {
      return r.await(timeout);
    }
  }

  Result run(String... args) throws Exception {
    return run(Duration.ofMinutes(5), args);
  }

  /** Starts the command and returns at once. */
  Running start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    Path cwd = workingDirectory != null ? workingDirectory : repo;
    command.add(cwd.resolve("millrace").toString());
    command.addAll(List.of(args));
    // After the command's own arguments (an inherited option), also when global options such as -v come
    // first: a "-v run" without it wrote to the repository's own store, and a test then read another run's.
    boolean aCommand = java.util.Arrays.stream(args).anyMatch(a -> !a.startsWith("-"));
    boolean itsOwn = java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("--metadata"));
    if (metadata != null && aCommand && !itsOwn) {
      command.add("--metadata=" + metadata);
    }
    int n;
    synchronized (MillraceProcess.class) {
      n = ++counter;
    }
    Path out = dir.resolve("cmd-" + n + ".out");
    Path err = dir.resolve("cmd-" + n + ".err");
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("MILLRACE_NO_BUILD", "1");
    pb.environment().putAll(env);
    return new Running(pb.start(), out, err);
  }

  /** The repository root: the folder holding the {@code millrace} launcher, from the working directory up. */
  static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("millrace"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no millrace launcher above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
