package org.millrace.trainer.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.TransformGraph;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.trainer.component.TrainerExecutor;
import org.millrace.trainer.component.TrainerParams;
import org.millrace.trainer.model.ModelRuntime;

/**
 * The Trainer with {@code distributed: {launcher: spark, ranks: 3}}: three barrier tasks on an
 * embedded Spark ({@code local[3]}) join a TCP ring and train the model three in-process workers
 * train, to float rounding; with batch norm (statistics per shard) two ranks train what two
 * workers train and not what one replica trains on whole batches, so a bypassed shard fails.
 */
class SparkLauncherTest {
  @TempDir
  Path dir;

  Path examples() throws Exception {
    Path ex = dir.resolve("examples");
    for (String split : List.of("train", "eval")) {
      var schema = DataSchema.of(Feature.vector("features", 2), Feature.of("label", FeatureType.FLOAT, false));
      var b = new BatchBuilder(schema, 300);
      var r = new SplittableRandom(split.hashCode());
      for (int i = 0; i < 300; i++) {
        int c = i % 3;
        double a = c * 3 + r.nextGaussian();
        double bb = c % 2 * 3 + r.nextGaussian();
        b.addRow(new float[] {(float) ((a - 3) / 2), (float) ((bb - 1.5) / 2)}, (double) c);
      }
      ExamplesIO.write(ex.resolve("Split-" + split), schema, 0, List.of(b.build()));
    }
    return ex;
  }

  Path train(Path examples, Map<String, Object> params, String name) throws Exception {
    Path graph = Files.createDirectories(dir.resolve(name + "/graph"));
    Files.copy(Path.of("src/test/resources/blobs_graph.json"), graph.resolve("transform_graph.json"));
    Path model = Files.createDirectories(dir.resolve(name + "/model"));
    Path run = Files.createDirectories(dir.resolve(name + "/run"));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(
        "examples", List.of(new Examples(examples.toString(), Examples.splitProperties(List.of("train", "eval")))),
        "transform_graph", List.of(new TransformGraph(graph.toString(), Map.of()))),
        Map.of("model", model, "model_run", run), ParameterBinder.bind(TrainerParams.class, params));
    new TrainerExecutor().execute(in, ExecutionContext.standalone("trainer", dir.resolve(name), List.of()));
    return model;
  }

  @Test
  void threeSparkRanksTrainWhatThreeLocalWorkersTrain() throws Exception {
    Path ex = examples();
    Map<String, Object> base = new HashMap<>(Map.of("epochs", 4, "threads", 1, "backend", "java",
        "hidden_layers", List.of(Map.of("units", 16, "dropout", 0.1)),
        "optimizer", Map.of("type", "adam", "learning_rate", 0.03)));
    var local = new HashMap<>(base);
    local.put("workers", 3);
    Path localModel = train(ex, local, "local");
    var spark = new HashMap<>(base);
    spark.put("distributed", Map.of("launcher", "spark", "ranks", 3, "settings", Map.of("master", "local[3]")));
    // A context of this test's (which the launcher uses and leaves running), to watch its tasks.
    var barrierTasks = new java.util.concurrent.ConcurrentLinkedQueue<org.apache.spark.scheduler.TaskInfo>();
    var barrierStages = java.util.concurrent.ConcurrentHashMap.<Integer>newKeySet();
    var sc = new org.apache.spark.SparkContext(new org.apache.spark.SparkConf().setMaster("local[3]")
        .setAppName("spark-launcher-test").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    Path sparkModel;
    try {
      sc.addSparkListener(new org.apache.spark.scheduler.SparkListener() {
        @Override
        public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted e) {
          if (scala.collection.JavaConverters.seqAsJavaList(e.stageInfo().rddInfos()).stream()
              .anyMatch(org.apache.spark.storage.RDDInfo::isBarrier)) {
            barrierStages.add(e.stageInfo().stageId());
          }
        }

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
          if (barrierStages.contains(e.stageId())) {
            barrierTasks.add(e.taskInfo());
          }
        }
      });
      sparkModel = train(ex, spark, "spark");
      long end = System.nanoTime() + 30_000_000_000L;
      while (barrierTasks.size() < 3 && System.nanoTime() < end) {
        Thread.sleep(20); // listener events arrive asynchronously
      }
      assertTrue(!sc.isStopped(), "the launcher left the context it did not make running");
    } finally {
      sc.stop();
    }
    assertEquals(1, barrierStages.size(), "one barrier stage");
    assertEquals(java.util.Set.of(0, 1, 2), barrierTasks.stream().filter(org.apache.spark.scheduler.TaskInfo::successful)
        .map(org.apache.spark.scheduler.TaskInfo::index).collect(java.util.stream.Collectors.toSet()),
        "three ranks, each a successful task of the barrier stage");
    for (Map<String, Object> row : List.<Map<String, Object>>of(Map.of("a", 1.0, "b", 2.0), Map.of("a", 6.0, "b", 0.0))) {
      float[] a = ModelRuntime.load(localModel).predictRow(row);
      float[] b = ModelRuntime.load(sparkModel).predictRow(row);
      assertArrayEquals(a, b, 1e-5f, row.toString());
    }
    // Provenance: what the training and the launcher produced, not the parameters this test passed.
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var sparkProv = json.readTree(sparkModel.resolve("model.json").toFile()).get("provenance");
    var localProv = json.readTree(localModel.resolve("model.json").toFile()).get("provenance");
    assertEquals("rank 0 of the distributed job", sparkProv.path("backend_selection").asText(), sparkProv.toString());
    assertTrue(sparkProv.path("distributed").path("rank_backend").asText().startsWith("java ("), sparkProv.toString());
    assertEquals(sparkProv.path("distributed").path("rank_backend").asText(), sparkProv.path("backend").asText());
    for (String computed : List.of("train_rows", "steps", "best_epoch", "training_examples_fingerprint")) {
      assertTrue(localProv.has(computed), computed + " in " + localProv);
      assertEquals(localProv.get(computed), sparkProv.get(computed), computed);
    }
    assertEquals(300, sparkProv.path("train_rows").asInt());
    assertEquals(4 * 10, sparkProv.path("steps").asInt(), "4 epochs of ceil(300 / 32) global batches");
    assertTrue(Files.readString(dir.resolve("spark/run/index.html")).contains("<polyline"), "the run report");
    // Which rows each rank trained, as the ranks counted them: each its own shard of every batch.
    assertShards(dir.resolve("spark/run"), 3, 300, 32);
    assertShards(dir.resolve("local/run"), 3, 300, 32);
  }

  /**
   * Every epoch of a ModelRun's {@code history.json}: each replica (rank) trained the shard of every
   * batch the sharding rule gives it, and the shards were disjoint and covered the rows (counts and
   * row checksums add up). One rank training every whole batch trains the same model; not this.
   */
  static void assertShards(Path run, int replicas, int rows, int batchSize) throws Exception {
    long[] expected = new long[replicas];
    for (int from = 0; from < rows; from += batchSize) {
      int n = Math.min(rows, from + batchSize) - from;
      for (int w = 0; w < replicas; w++) {
        expected[w] += n / replicas + (w < n % replicas ? 1 : 0);
      }
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<org.millrace.trainer.fit.EpochMetrics> history = json.convertValue(
        json.readTree(run.resolve("history.json").toFile()).get("epochs"),
        new com.fasterxml.jackson.core.type.TypeReference<List<org.millrace.trainer.fit.EpochMetrics>>() { });
    assertTrue(!history.isEmpty(), "no epochs in " + run);
    for (var m : history) {
      var shards = m.replicas();
      assertEquals(replicas, shards.size(), run + " epoch " + m.epoch() + ": " + shards);
      long count = 0;
      long checksum = 0;
      for (int w = 0; w < replicas; w++) {
        assertEquals(w, shards.get(w).replica(), shards.toString());
        assertEquals(expected[w], shards.get(w).rows(), run + " epoch " + m.epoch() + ": rows of rank " + w + ", "
            + shards);
        count += shards.get(w).rows();
        checksum += shards.get(w).checksum();
      }
      assertEquals(rows, count, run + " epoch " + m.epoch());
      assertEquals(org.millrace.trainer.fit.ReplicaRows.checksumOfRows(rows), checksum, run + " epoch " + m.epoch()
          + ": shards expected disjoint and covering the rows, got " + shards);
    }
  }

  @Test
  void aLayerStackWithBatchNormTrainsAsTwoLocalWorkersDo() throws Exception {
    Path ex = examples();
    Map<String, Object> base = new HashMap<>(Map.of("epochs", 3, "backend", "java", "layers", List.of(
        Map.of("type", "dense", "units", 8, "activation", "relu"), Map.of("type", "batch_norm")),
        "optimizer", Map.of("type", "adam", "learning_rate", 0.03)));
    var local = new HashMap<>(base);
    local.put("workers", 2);
    local.put("threads", 2);
    Path localModel = train(ex, local, "bn-local");
    var spark = new HashMap<>(base);
    spark.put("distributed", Map.of("ranks", 2, "settings", Map.of("connect_timeout_seconds", "30",
        "spark_conf", Map.of("spark.extraListeners", ConfRecorder.class.getName(),
            "spark.executor.extraJavaOptions", "-Dmillrace.test.mine=1", "spark.task.maxFailures", 1))));
    ConfRecorder.seen = null;
    Path sparkModel = train(ex, spark, "bn-spark");
    // spark_conf reached the SparkConf; the executors' options keep the user's and add millrace's.
    var conf = ConfRecorder.seen;
    assertEquals("1", conf.get("spark.task.maxFailures"));
    String executor = conf.get("spark.executor.extraJavaOptions");
    // (Spark itself puts its module options first.)
    assertTrue(executor.contains("-Dmillrace.test.mine=1 ")
        && executor.indexOf("-Dmillrace.test.mine=1") < executor.indexOf("--add-modules=jdk.incubator.vector"), executor);
    for (String option : org.millrace.api.beam.SparkJavaOptions.REQUIRED) {
      assertTrue(executor.contains(option), option + " in " + executor);
    }
    assertTrue(conf.get("spark.driver.extraJavaOptions").contains("--add-modules=jdk.incubator.vector"),
        conf.get("spark.driver.extraJavaOptions"));
    float[] a = ModelRuntime.load(localModel).predictRow(Map.of("a", 1.0, "b", 2.0));
    float[] b = ModelRuntime.load(sparkModel).predictRow(Map.of("a", 1.0, "b", 2.0));
    assertArrayEquals(a, b, 1e-5f);
    assertShards(dir.resolve("bn-spark/run"), 2, 300, 32);
    // Batch statistics are per shard: one replica training each whole batch (sharding bypassed, on
    // the ranks or the local workers) trains another model, by far more than float rounding.
    var whole = new HashMap<>(base);
    whole.put("threads", 2);
    float[] unsharded = ModelRuntime.load(train(ex, whole, "bn-whole")).predictRow(Map.of("a", 1.0, "b", 2.0));
    double gap = 0;
    for (int i = 0; i < b.length; i++) {
      gap = Math.max(gap, Math.abs(b[i] - unsharded[i]));
    }
    assertTrue(gap > 1e-3, "two ranks' model expected to differ from the unsharded one, max difference " + gap);
    var bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SparkLauncher()
        .train(new org.millrace.trainer.component.DistributedJob(Map.of(), "", "", "", null, 2, "t"), Map.of("mastr", "x")));
    assertEquals("distributed.settings expected keys of [connect_timeout_seconds, driver_host, io_timeout_seconds, jars,"
        + " master, spark_conf], got 'mastr'", bad.getMessage());
    var seconds = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SparkLauncher()
        .train(new org.millrace.trainer.component.DistributedJob(Map.of(), "", "", "", null, 2, "t"),
            Map.of("io_timeout_seconds", "soon")));
    assertEquals("distributed.settings.io_timeout_seconds expected a whole number of seconds >= 1, got 'soon'",
        seconds.getMessage());
  }

  @Test
  void moreRanksThanTaskSlotsFailsNamingTheSetting() throws Exception {
    Path ex = examples();
    Map<String, Object> params = new HashMap<>(Map.of("epochs", 1, "threads", 1, "backend", "java"));
    // Two ranks on one slot: Spark's slot check fails (after one check here, 8 by default) and says so.
    params.put("distributed", Map.of("launcher", "spark", "ranks", 2, "settings", Map.of("master", "local[1]",
        "spark_conf", Map.of(SparkLauncher.SLOT_CHECKS, 1,
            "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s"))));
    var e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> train(ex, params, "slots"));
    Throwable t = e;
    while (t != null && !String.valueOf(t.getMessage()).startsWith("distributed.ranks 2 expected")) {
      t = t.getCause();
    }
    assertTrue(t != null && t.getMessage().contains("free task slots (executor cores) on Spark local[1], got fewer"),
        String.valueOf(e));
  }

  @Test
  void aJobWhoseContextStoppedFailsAtOnceInsteadOfWaitingForever() throws Exception {
    // As on a cluster whose master removed the application: the context stopped, the job never ends.
    var sc = new org.apache.spark.api.java.JavaSparkContext(new org.apache.spark.SparkConf().setMaster("local[1]")
        .setAppName("stopped").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    sc.stop();
    var never = new org.apache.spark.api.java.JavaFutureAction<List<String>>() {
      @Override
      public List<Integer> jobIds() {
        return List.of();
      }

      @Override
      public boolean cancel(boolean interrupt) {
        return true;
      }

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public boolean isDone() {
        return false;
      }

      @Override
      public List<String> get() throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
        return null;
      }

      @Override
      public List<String> get(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException,
          java.util.concurrent.TimeoutException {
        Thread.sleep(unit.toMillis(timeout));
        throw new java.util.concurrent.TimeoutException();
      }
    };
    var e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () ->
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> SparkLauncher.await(sc, never, 2, "spark://m:7077")));
    assertTrue(e.getMessage().startsWith("distributed training on Spark spark://m:7077 expected its application to"
        + " run, but its SparkContext was stopped"), e.getMessage());
  }

  /** Registered through {@code spark.extraListeners}: keeps the SparkConf the launcher made its context with. */
  public static final class ConfRecorder extends org.apache.spark.scheduler.SparkListener {
    static volatile org.apache.spark.SparkConf seen;

    public ConfRecorder(org.apache.spark.SparkConf conf) {
      seen = conf.clone();
    }
  }

  @Test
  void sparkConfIsCheckedAndTheUsersJavaOptionsAreKept() {
    assertEquals(Map.of("spark.executor.memory", "2g", "spark.task.cpus", "1", "spark.speculation", "false"),
        SparkLauncher.sparkConf(Map.of("spark.executor.memory", "2g", "spark.task.cpus", 1, "spark.speculation", false)));
    for (var bad : List.<Map.Entry<Object, String>>of(
        Map.entry("memory", "distributed.settings.spark_conf expected a map of Spark properties, got 'memory'"),
        Map.entry(Map.of("executor.memory", "1g"),
            "distributed.settings.spark_conf expected keys 'spark.<property>', got 'executor.memory'"),
        Map.entry(Map.of("spark.master", "local[2]"), "distributed.settings.spark_conf expected no 'spark.master' (it is"
            + " distributed.settings.master), got 'local[2]'"),
        Map.entry(Map.of("spark.executor.memory", List.of("1g")),
            "distributed.settings.spark_conf.spark.executor.memory expected a string, number or boolean, got '[1g]'"))) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> SparkLauncher.sparkConf(bad.getKey()));
      assertEquals(bad.getValue(), e.getMessage());
    }
    String joined = org.millrace.api.beam.SparkJavaOptions.append("-Xss4m --add-modules=jdk.incubator.vector");
    assertTrue(joined.startsWith("-Xss4m --add-modules=jdk.incubator.vector --add-opens="), joined);
    assertEquals(1, joined.split("jdk.incubator.vector", -1).length - 1, joined);
    assertEquals(String.join(" ", org.millrace.api.beam.SparkJavaOptions.REQUIRED),
        org.millrace.api.beam.SparkJavaOptions.append(null));
  }

  @Test
  void aMissingLauncherAndImpossibleSettingsAreNamed() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> org.millrace.trainer.component.DistributedLauncher.find("ray"));
    assertEquals("distributed.launcher expected a launcher on the classpath, got 'ray'", e.getMessage());
    var bad = org.junit.jupiter.api.Assertions.assertThrows(org.millrace.api.spec.ParameterException.class,
        () -> ParameterBinder.bind(TrainerParams.class, Map.of("workers", 2, "distributed", Map.of("ranks", 2))));
    assertEquals("distributed expected ranks 1..batch_size (32) and workers 1 (one replica per rank), got ranks 2 and"
        + " workers 2", bad.getMessage());
  }
}
