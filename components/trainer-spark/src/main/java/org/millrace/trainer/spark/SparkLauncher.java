package org.millrace.trainer.spark;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.millrace.api.beam.SparkJavaOptions;
import org.millrace.trainer.component.DistributedJob;
import org.millrace.trainer.component.DistributedLauncher;
import org.millrace.trainer.component.RankResult;
import org.millrace.trainer.dist.RingAllReduce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Distributed training on Spark, the pattern of Horovod-on-Spark and TorchDistributor: one
 * barrier stage of {@code ranks} tasks, scheduled together or not at all; each task listens on a
 * port, the ranks exchange addresses with {@link BarrierTaskContext#allGather}, join a
 * {@link RingAllReduce} and train their shard ({@link DistributedJob#run}); rank 0's result comes
 * back to the driver. Settings: {@code master} (default {@code local[ranks]}: the ranks as threads
 * of this JVM, sharing its cores), {@code driver_host}, {@code jars} (what executors need of
 * millrace on a cluster), {@code connect_timeout_seconds} (120: joining the ring),
 * {@code io_timeout_seconds} (1800: the longest wait for a neighbour's data once training runs)
 * and {@code spark_conf} (a map of further Spark properties, {@code spark.*} keys and scalar
 * values, set on the SparkConf). Executors and the driver get millrace's JVM options
 * ({@link SparkJavaOptions#REQUIRED}) appended to whatever {@code extraJavaOptions} the user set.
 * A SparkContext already running in this JVM is used and left running. On a cluster the job's
 * split directories must be on storage every executor reads.
 */
public final class SparkLauncher implements DistributedLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(SparkLauncher.class);

  @Override
  public String name() {
    return "spark";
  }

  /** The settings this launcher reads. */
  static final java.util.Set<String> SETTINGS = java.util.Set.of("master", "driver_host", "jars",
      "connect_timeout_seconds", "io_timeout_seconds", "spark_conf");

  @Override
  public RankResult train(DistributedJob job, Map<String, Object> settings) throws Exception {
    for (String k : settings.keySet()) {
      if (!SETTINGS.contains(k)) {
        throw new IllegalArgumentException("distributed.settings expected keys of " + new java.util.TreeSet<>(SETTINGS)
            + ", got '" + k + "'");
      }
    }
    String master = String.valueOf(settings.getOrDefault("master", "local[" + job.ranks() + "]"));
    long connect = seconds(settings, "connect_timeout_seconds", 120);
    long io = seconds(settings, "io_timeout_seconds", 1800);
    boolean local = master.startsWith("local");
    var params = new java.util.LinkedHashMap<>(job.parameters());
    if (local) {
      // The ranks share this machine: share its cores out instead of each taking them all.
      params.putIfAbsent("threads", Math.max(1, Runtime.getRuntime().availableProcessors() / job.ranks()));
    }
    DistributedJob rankJob = job.withParameters(params);
    var conf = new SparkConf().setMaster(master).setAppName("millrace-trainer").set("spark.ui.enabled", "false");
    // Fewer than ranks free task slots (a worker down) fails after 8 checks 15 s apart, not Spark's 40 (10 min).
    conf.set(SLOT_CHECKS, "8");
    sparkConf(settings.get("spark_conf")).forEach(conf::set);
    // Executors start with only the options Spark is given: the Vector API module and the add-opens
    // must be among them (else ClassNotFoundException: jdk.incubator.vector.Vector in every rank).
    conf.set(SparkJavaOptions.EXECUTOR_KEY, SparkJavaOptions.append(conf.get(SparkJavaOptions.EXECUTOR_KEY, null)));
    conf.set(SparkJavaOptions.DRIVER_KEY, SparkJavaOptions.append(conf.get(SparkJavaOptions.DRIVER_KEY, null)));
    if (settings.containsKey("driver_host")) {
      conf.set("spark.driver.host", settings.get("driver_host").toString());
    } else if (local && !conf.contains("spark.driver.host")) {
      conf.set("spark.driver.host", "127.0.0.1");
    }
    if (settings.get("jars") instanceof List<?> jars) {
      // On a cluster the executors need millrace's classes: the jars to ship (or install them there).
      conf.setJars(jars.stream().map(Object::toString).toArray(String[]::new));
    }
    // Inside spark-submit, or beside another Spark user of this JVM, getOrCreate returns the running
    // context (whose settings win); only a context made here is stopped here.
    String marker = java.util.UUID.randomUUID().toString();
    conf.set("spark.millrace.trainer.launch", marker);
    var sc = JavaSparkContext.fromSparkContext(org.apache.spark.SparkContext.getOrCreate(conf));
    boolean own = marker.equals(sc.getConf().get("spark.millrace.trainer.launch", ""));
    LOG.info("training on Spark {}: {} ranks as one barrier stage", sc.master(), job.ranks());
    try {
      var indices = new ArrayList<Integer>();
      for (int r = 0; r < job.ranks(); r++) {
        indices.add(r);
      }
      RDD<Integer> rdd = sc.parallelize(indices, job.ranks()).rdd();
      List<String> results = await(sc, rdd.barrier().mapPartitions(new Rank(rankJob.toJson(), connect, io), false,
          ClassTag$.MODULE$.apply(String.class)).toJavaRDD().collectAsync(), job.ranks(), sc.master());
      if (results.size() != 1) {
        throw new IllegalStateException("distributed training expected one result (rank 0's), got " + results.size());
      }
      return RankResult.fromJson(results.get(0));
    } finally {
      if (own) {
        sc.close();
      }
    }
  }

  /** Spark's count of checks for enough free task slots before a barrier stage fails (SPARK-24819). */
  static final String SLOT_CHECKS = "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures";

  /**
   * The barrier stage's result, waited for while its context lives: a context stopped under it (the
   * master removed the application, its executors having failed, or it was killed) fails the training
   * at once, where a job submitted as the context stopped never ended (the driver waited 18 minutes,
   * then was killed); a cluster without {@code ranks} free task slots fails naming the setting.
   */
  static List<String> await(JavaSparkContext sc, org.apache.spark.api.java.JavaFutureAction<List<String>> job,
      int ranks, String master) throws Exception {
    while (true) {
      try {
        return job.get(1, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        job.cancel(true); // the run is being stopped: not a barrier job left on the cluster
        throw interrupted;
      } catch (java.util.concurrent.TimeoutException waiting) {
        if (sc.sc().isStopped()) {
          job.cancel(true);
          throw new IllegalStateException("distributed training on Spark " + master + " expected its application"
              + " to run, but its SparkContext was stopped: the master removed the application (see the log above"
              + " for why, such as 'Master removed our application: FAILED', and the workers' logs)");
        }
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (String.valueOf(cause.getMessage()).contains("SPARK-24819")) {
          throw new IllegalStateException("distributed.ranks " + ranks + " expected as many free task slots (executor"
              + " cores) on Spark " + master + ", got fewer at every check (" + SLOT_CHECKS + ", 15 s apart; set"
              + " it in distributed.settings.spark_conf to wait longer): start more workers or cores, or lower"
              + " distributed.ranks", cause);
        }
        throw cause instanceof Exception x ? x : e;
      }
    }
  }

  /**
   * The {@code spark_conf} setting as Spark properties: a map of {@code spark.*} keys to strings,
   * numbers or booleans ({@code spark.master} is the {@code master} setting).
   */
  static Map<String, String> sparkConf(Object value) {
    var out = new java.util.LinkedHashMap<String, String>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("distributed.settings.spark_conf expected a map of Spark properties, got '"
          + value + "'");
    }
    for (var e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (!(e.getKey() instanceof String) || !key.startsWith("spark.") || key.length() == "spark.".length()
          || key.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("distributed.settings.spark_conf expected keys 'spark.<property>', got '"
            + key + "'");
      }
      if (key.equals("spark.master")) {
        throw new IllegalArgumentException("distributed.settings.spark_conf expected no 'spark.master' (it is"
            + " distributed.settings.master), got '" + v + "'");
      }
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException("distributed.settings.spark_conf." + key + " expected a string, number or"
            + " boolean, got " + (v == null ? "null" : "'" + v + "'"));
      }
      out.put(key, v.toString());
    }
    return out;
  }

  private static long seconds(Map<String, Object> settings, String key, long fallback) {
    Object v = settings.getOrDefault(key, fallback);
    try {
      long s = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
      if (s < 1) {
        throw new NumberFormatException();
      }
      return s;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("distributed.settings." + key + " expected a whole number of seconds >= 1,"
          + " got '" + v + "'");
    }
  }

  /** The body of one barrier task: join the ring, train, and rank 0 returns its result as JSON. */
  static final class Rank extends AbstractFunction1<Iterator<Integer>, Iterator<String>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String jobJson;
    private final long connectSeconds;
    private final long ioSeconds;

    Rank(String jobJson, long connectSeconds, long ioSeconds) {
      this.jobJson = jobJson;
      this.connectSeconds = connectSeconds;
      this.ioSeconds = ioSeconds;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> partition) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int rank = ctx.partitionId();
      ServerSocketChannel listening = null;
      try {
        DistributedJob job = DistributedJob.fromJson(jobJson);
        // Listen only on the address Spark reaches this executor at, and tell the others that address.
        String host = InetAddress.getLocalHost().getHostAddress();
        String known = ctx.getTaskInfos().length > rank ? ctx.getTaskInfos()[rank].address() : null;
        if (known != null && !known.isBlank()) {
          host = known.contains(":") ? known.substring(0, known.lastIndexOf(':')) : known;
        }
        listening = RingAllReduce.listen(host);
        int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
        String[] all = ctx.allGather(host + ":" + port);
        var addresses = new ArrayList<InetSocketAddress>();
        for (String s : all) {
          int colon = s.lastIndexOf(':');
          addresses.add(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        }
        ServerSocketChannel joining = listening;
        listening = null;
        try (RingAllReduce ring = RingAllReduce.connect(rank, addresses, joining, Duration.ofSeconds(connectSeconds),
            Duration.ofSeconds(ioSeconds), job.token())) {
          RankResult result = job.run(ring);
          List<String> out = rank == 0 ? List.of(result.toJson()) : Collections.emptyList();
          return JavaConverters.asScalaIteratorConverter(out.iterator()).asScala();
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("distributed training rank " + rank + " failed: " + e.getMessage(), e);
      } finally {
        if (listening != null) {
          try {
            listening.close();
          } catch (java.io.IOException e) {
            // failing already
          }
        }
      }
    }
  }
}
