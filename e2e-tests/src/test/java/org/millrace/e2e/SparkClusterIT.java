package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.trainer.model.ModelRuntime;

/**
 * The penguins pipeline on a real Spark standalone cluster (a master and two workers, separate
 * JVMs from millrace's own jars, each worker starting its executors as JVMs of their own), through
 * the real {@code ./millrace} launcher: the Beam stages on Beam's SparkRunner and the Trainer as two
 * ranks of a barrier stage. The artifacts equal those of the embedded run (the same Trainer with two
 * in-process workers, which two ranks train to float rounding). Nothing gives the executors
 * millrace's JVM options but millrace: without them every rank dies with
 * {@code ClassNotFoundException: jdk.incubator.vector.Vector}. Then (issue 21) the pipeline once more
 * on the cluster with the embedded run's Trainer: every artifact file from ExampleGen through the
 * model is byte-identical to the embedded default run's, with equal fingerprints in
 * {@code runs show}.
 */
class SparkClusterIT {
  @TempDir
  Path dir;

  @Test
  void penguinsOnAStandaloneClusterGiveTheEmbeddedRunsArtifacts() throws Exception {
    // Two metadata stores: the cluster run must compute everything, not reuse the embedded run's cache.
    var cli = new MillraceProcess(dir.resolve("cli-spark"));
    Path example = cli.repo().resolve("pipelines/examples/penguins/pipeline.yaml");

    Path embedded = pipeline(example, dir.resolve("embedded"), null, "      workers: 2\n");
    MillraceProcess.Result local = new MillraceProcess(dir.resolve("cli-embedded"))
        .run(Duration.ofMinutes(3), "run", embedded.toString());
    assertEquals(0, local.code(), local.toString());

    Path distributedModel;
    try (var cluster = SparkStandaloneCluster.start(dir.resolve("cluster"), cli.repo(), 2, 1, "1g")) {
      String trainer = "      distributed:\n"
          + "        launcher: spark\n"
          + "        ranks: 2\n"
          + "        settings:\n"
          + "          master: \"" + cluster.url() + "\"\n"
          + "          spark_conf: {spark.executor.memory: 640m,"
          + " spark.executor.extraJavaOptions: \"-Dmillrace.it.user.option=kept\"}\n";
      Path onCluster = pipeline(example, dir.resolve("spark"), cluster.url(), trainer);
      MillraceProcess.Result spark = cli.run(Duration.ofMinutes(6), "run", onCluster.toString());
      assertEquals(0, spark.code(), spark + "\n" + cluster.logs());
      assertTrue(spark.out().contains("SUCCEEDED"), spark.out());
      // Nothing staged into the workers' work directories: they run millrace's jars already (Beam's
      // default staged the driver's class path, 316 MB, to every executor of every stage: 3.8 GB a run).
      var staged = new java.util.ArrayList<Path>();
      for (Path work : List.of(dir.resolve("cluster/work1"), dir.resolve("cluster/work2"))) {
        try (var files = Files.walk(work)) {
          files.filter(p -> p.getFileName().toString().endsWith(".jar")).forEach(staged::add);
        }
      }
      assertEquals(List.of(), staged.stream().limit(5).toList(), staged.size() + " jars staged to the executors");

      // The ranks ran in executors of the two workers, with the user's option, spark_conf's memory
      // and millrace's options appended (not replacing the user's).
      List<String> rankExecutors = cluster.executorLogs().stream()
          .filter(l -> l.contains("-Dmillrace.it.user.option=kept")).toList();
      assertEquals(2, rankExecutors.size(), "one executor per worker for the Trainer's ranks\n" + cluster.logs());
      for (String log : rankExecutors) {
        String command = log.lines().filter(l -> l.startsWith("Spark Executor Command:")).findFirst().orElseThrow();
        assertTrue(command.contains("\"-Xmx640M\"") && command.contains("\"--add-modules=jdk.incubator.vector\"")
            && command.contains("\"--add-opens=java.base/java.nio=ALL-UNNAMED\""), command);
      }
      // The Beam stages ran in executors too (apps other than the Trainer's), also with millrace's options.
      List<String> all = cluster.executorLogs();
      assertTrue(all.size() > rankExecutors.size(), "Beam stages ran on the cluster's executors");
      for (String log : all) {
        String command = log.lines().findFirst().orElse("");
        assertTrue(command.contains("\"--add-modules=jdk.incubator.vector\""), command);
      }

      // The same pipeline on the cluster's Beam stages with the embedded run's Trainer (two
      // in-process workers): the nodes before the Trainer come from the cache (the cluster run's
      // artifacts), the Trainer trains again in the driver.
      distributedModel = only(dir.resolve("spark/root"), "trainer/model/*");
      Path again = pipeline(example, dir.resolve("spark"), cluster.url(), "      workers: 2\n");
      MillraceProcess.Result same = cli.run(Duration.ofMinutes(6), "run", again.toString());
      assertEquals(0, same.code(), same + "\n" + cluster.logs());
      for (String output : List.of("ingest/examples", "statistics/statistics", "schema/schema",
          "transform/transform_graph", "transform/transformed_examples", "trainer/model")) {
        Path x = newest(dir.resolve("embedded/root").resolve(output));
        Path y = newest(dir.resolve("spark/root").resolve(output));
        assertEquals(files(x), files(y), output + " on the cluster and embedded expected byte-identical");
      }
      Map<String, String> fpLocal = fingerprints(new MillraceProcess(dir.resolve("cli-embedded"))
          .run("runs", "show", local.runId()));
      Map<String, String> fpCluster = fingerprints(cli.run("runs", "show", same.runId()));
      assertTrue(fpLocal.containsKey("trainer.model"), fpLocal.toString());
      assertEquals(fpLocal, fpCluster, "fingerprints of the embedded and the cluster run");
    }

    Path a = dir.resolve("embedded/root");
    Path b = dir.resolve("spark/root");
    for (String split : List.of("train", "eval")) {
      String stats = "statistics/statistics/*/Split-" + split + "/statistics.json";
      assertEquals(Files.readString(only(a, stats)), Files.readString(only(b, stats)), "statistics of " + split);
    }
    String graph = "transform/transform_graph/*/transform_graph.json";
    assertEquals(Files.readString(only(a, graph)), Files.readString(only(b, graph)), "transform graph");

    ModelRuntime embeddedModel = ModelRuntime.load(only(a, "trainer/model/*"));
    ModelRuntime clusterModel = ModelRuntime.load(distributedModel);
    List<String> csv = Files.readAllLines(cli.repo().resolve("examples/data/penguins/penguins.csv"));
    String[] header = csv.get(0).split(",");
    int compared = 0;
    for (String line : csv.subList(1, csv.size())) {
      if (compared == 40) {
        break;
      }
      String[] cells = line.split(",", -1);
      var row = new LinkedHashMap<String, Object>();
      for (int i = 1; i < header.length; i++) {
        if (!cells[i].isEmpty() && !cells[i].equals("NA")) {
          row.put(header[i], header[i].endsWith("_mm") || header[i].endsWith("_g") ? (Object) Double.valueOf(cells[i])
              : cells[i]);
        }
      }
      assertArrayEquals(embeddedModel.predictRow(row), clusterModel.predictRow(row), 1e-5f, row.toString());
      compared++;
    }
    String model = Files.readString(distributedModel.resolve("model.json"));
    assertTrue(model.contains("\"launcher\" : \"spark\""), model);
  }

  /** The execution directory of an output written last. */
  private static Path newest(Path output) throws Exception {
    try (var s = Files.list(output)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).max(java.util.Comparator.comparingLong(
          p -> p.toFile().lastModified())).orElseThrow(() -> new AssertionError("no execution of " + output));
    }
  }

  /** SHA-256 of every file under {@code dir} but HTML reports, by relative path. */
  private static Map<String, String> files(Path dir) throws Exception {
    var out = new java.util.TreeMap<String, String>();
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".html")).toList()) {
        out.put(dir.relativize(f).toString(), java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  /** {@code runs show}'s fingerprints of the nodes from ExampleGen through the Trainer, by node.output. */
  private static Map<String, String> fingerprints(MillraceProcess.Result show) {
    assertEquals(0, show.code(), show.toString());
    int at = show.out().indexOf("fingerprints:");
    assertTrue(at >= 0, show.toString());
    var out = new java.util.TreeMap<String, String>();
    for (String line : show.out().substring(at).lines().skip(1).toList()) {
      String[] cells = line.trim().split("\\s+");
      if (cells.length == 2 && cells[0].matches("(ingest|statistics|schema|transform|trainer)\\..+")) {
        out.put(cells[0], cells[1]);
      }
    }
    return out;
  }

  /**
   * A Beam stage whose Spark master cannot be reached (nothing listens at its port): Spark gives up
   * after its three registration attempts, 20 s apart, and stops the context under the stage. The
   * node fails (exit 1) naming the likely causes, not "Cannot call methods on a stopped
   * SparkContext", and the console holds no stack trace (Spark's connection warnings came with 90
   * lines of them): one line per warning, the traces in the log file the run names.
   */
  @Test
  void aBeamStageWhoseMasterCannotBeReachedSaysSo() throws Exception {
    var cli = new MillraceProcess(dir.resolve("cli-unreachable"));
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    Path yaml = pipeline(cli.repo().resolve("pipelines/examples/penguins/pipeline.yaml"), dir.resolve("unreachable"),
        "spark://127.0.0.1:" + port, "");
    MillraceProcess.Result r = cli.run(Duration.ofMinutes(4), "run", yaml.toString(), "--to", "ingest");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("node ingest FAILED: the Spark application of this Beam stage was stopped under it:"
        + " the Spark master (--sparkMaster in beam_pipeline_args) could not be reached"), r.toString());
    assertTrue(r.err().contains("Failed to connect to master 127.0.0.1:" + port + " (java.net.ConnectException:"),
        r.toString());
    assertTrue(!r.err().contains("\tat ") && !r.out().contains("\tat "), "no stack trace on the console: " + r);
    // (Named last, but for a line Spark's client may print as its shutdown drops the unregistration:
    // "Drop UnregisterApplication(null) because has not yet connected to master".)
    String last = r.err().lines().filter(l -> l.startsWith("log: ")).reduce((a, b) -> b).orElseThrow();
    assertTrue(Files.readString(Path.of(last.substring("log: ".length()))).contains("\tat "),
        "the traces are in the log file");
  }

  /** A copy of the penguins pipeline under {@code root}, on {@code master}'s SparkRunner if given, with Trainer lines. */
  private static Path pipeline(Path example, Path root, String master, String trainerLines) throws Exception {
    String yaml = Files.readString(example)
        .replaceAll("(?m)^pipeline_root: .*$", "pipeline_root: " + root.resolve("root")
            + (master == null ? "" : "\nbeam_pipeline_args: [\"--runner=SparkRunner\", \"--sparkMaster=" + master + "\"]"))
        .replace("base_dir: .millrace/registry", "base_dir: " + root.resolve("registry"))
        .replace("      early_stopping: {patience: 8}\n", "      early_stopping: {patience: 8}\n" + trainerLines);
    Files.createDirectories(root);
    return Files.writeString(root.resolve("pipeline.yaml"), yaml);
  }

  /** The one file or folder matching {@code pattern} (one {@code *} per path element) under {@code root}. */
  private static Path only(Path root, String pattern) throws Exception {
    List<Path> found = List.of(root);
    for (String part : pattern.split("/")) {
      var next = new java.util.ArrayList<Path>();
      for (Path p : found) {
        if (part.equals("*")) {
          File[] children = p.toFile().listFiles(File::isDirectory);
          for (File c : children == null ? new File[0] : children) {
            next.add(c.toPath());
          }
        } else if (Files.exists(p.resolve(part))) {
          next.add(p.resolve(part));
        }
      }
      found = next;
    }
    assertEquals(1, found.size(), "one " + pattern + " under " + root + ", got " + found);
    return found.get(0);
  }
}
