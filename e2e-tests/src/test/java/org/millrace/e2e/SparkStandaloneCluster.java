package org.millrace.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine made of millrace's own jars (no Spark download): a
 * master and workers, each a separate JVM started as {@code docs/spark-cluster.md} says, with a
 * {@code SPARK_HOME} whose {@code jars/} links the launcher's runtime classpath. The workers start
 * executors as JVMs of their own. {@link #close} stops every one of these processes.
 */
final class SparkStandaloneCluster implements AutoCloseable {
  /** The add-opens Spark itself needs on JDK 17 (the master and workers run no millrace code). */
  private static final List<String> OPENS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED");

  private final Path dir;
  private final Path home;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private int port;

  private SparkStandaloneCluster(Path dir) {
    this.dir = dir;
    this.home = dir.resolve("spark-home");
  }

  /** Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each, under {@code dir}. */
  static SparkStandaloneCluster start(Path dir, Path repo, int workers, int cores, String memory) throws Exception {
    var c = new SparkStandaloneCluster(dir);
    try {
      c.makeHome(repo);
      c.port = freePort();
      Process master = c.java("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", Integer.toString(c.port), "--webui-port", Integer.toString(freePort())));
      c.await(0, "I have been elected leader", master);
      for (int i = 1; i <= workers; i++) {
        Process w = c.java("worker" + i, List.of("org.apache.spark.deploy.worker.Worker", c.url(), "--host",
            "127.0.0.1", "--cores", Integer.toString(cores), "--memory", memory, "--webui-port",
            Integer.toString(freePort()), "--work-dir", dir.resolve("work" + i).toString()));
        c.await(i, "Successfully registered with master", w);
      }
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  /** The master's URL, {@code spark://127.0.0.1:<port>}. */
  String url() {
    return "spark://127.0.0.1:" + port;
  }

  /** The stderr of every executor the workers started (its first line is the executor's command). */
  List<String> executorLogs() throws IOException {
    var out = new ArrayList<String>();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("/work"))
          .sorted().toList()) {
        out.add(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** What the master and workers logged, for a failure message. */
  String logs() throws IOException {
    var b = new StringBuilder();
    for (Path p : logs) {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      b.append("--- ").append(p.getFileName()).append('\n')
          .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
    }
    return b.toString();
  }

  private void makeHome(Path repo) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "");
    var entries = new ArrayList<String>();
    entries.add(repo.resolve("cli/target/millrace-cli-0.1.0-SNAPSHOT.jar").toString());
    // The application with its Spark half (cli-spark/: Spark, Beam's Spark runner, millrace-trainer-spark).
    entries.addAll(List.of(Files.readString(repo.resolve("cli-spark/target/runtime-classpath.txt")).strip()
        .split(java.io.File.pathSeparator)));
    for (String e : entries) {
      Path jar = Path.of(e);
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
  }

  private Process java(String name, List<String> mainAndArgs) throws IOException {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(OPENS);
    command.add("-cp");
    command.add(home.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    Path log = dir.resolve(name + ".log");
    logs.add(log);
    var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void await(int index, String text, Process p) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < end) {
      if (Files.readString(logs.get(index), StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Spark " + logs.get(index).getFileName() + " did not log '" + text + "'\n" + logs());
  }

  /** Stops the workers (and the executors they started), then the master; SIGKILL for any that linger. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
      children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static int freePort() throws IOException {
    try (var s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
