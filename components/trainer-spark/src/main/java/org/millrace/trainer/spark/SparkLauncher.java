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
import org.millrace.trainer.dist.DistributedJob;
import org.millrace.trainer.dist.DistributedLauncher;
import org.millrace.trainer.dist.RankResult;
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
 * of this JVM) and {@code connect_timeout_seconds} (default 120). On a cluster the job's split
 * directories must be on storage every executor reads.
 */
public final class SparkLauncher implements DistributedLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(SparkLauncher.class);

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public RankResult train(DistributedJob job, Map<String, Object> settings) throws Exception {
    String master = String.valueOf(settings.getOrDefault("master", "local[" + job.ranks() + "]"));
    long timeout = ((Number) settings.getOrDefault("connect_timeout_seconds", 120)).longValue();
    var conf = new SparkConf().setMaster(master).setAppName("millrace-trainer")
        .set("spark.ui.enabled", "false").set("spark.driver.host", settings.getOrDefault("driver_host",
            "127.0.0.1").toString());
    LOG.info("training on Spark {}: {} ranks as one barrier stage", master, job.ranks());
    try (var sc = new JavaSparkContext(conf)) {
      var indices = new ArrayList<Integer>();
      for (int r = 0; r < job.ranks(); r++) {
        indices.add(r);
      }
      RDD<Integer> rdd = sc.parallelize(indices, job.ranks()).rdd();
      List<String> results = rdd.barrier().mapPartitions(new Rank(job.toJson(), timeout), false,
          ClassTag$.MODULE$.apply(String.class)).toJavaRDD().collect();
      if (results.size() != 1) {
        throw new IllegalStateException("distributed training expected one result (rank 0's), got " + results.size());
      }
      return RankResult.fromJson(results.get(0));
    }
  }

  /** The body of one barrier task: join the ring, train, and rank 0 returns its result as JSON. */
  static final class Rank extends AbstractFunction1<Iterator<Integer>, Iterator<String>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String jobJson;
    private final long timeoutSeconds;

    Rank(String jobJson, long timeoutSeconds) {
      this.jobJson = jobJson;
      this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> partition) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int rank = ctx.partitionId();
      try {
        DistributedJob job = DistributedJob.fromJson(jobJson);
        String host = InetAddress.getLocalHost().getHostAddress();
        if (ctx.getTaskInfos().length > 0 && ctx.getTaskInfos()[rank].address() != null) {
          // The executor's own address as Spark knows it (host:port); its host part.
          String a = ctx.getTaskInfos()[rank].address();
          host = a.contains(":") ? a.substring(0, a.lastIndexOf(':')) : a;
        }
        ServerSocketChannel listening = RingAllReduce.listen(host);
        int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
        String[] all = ctx.allGather(host + ":" + port);
        var addresses = new ArrayList<InetSocketAddress>();
        for (String s : all) {
          int colon = s.lastIndexOf(':');
          addresses.add(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        }
        try (RingAllReduce ring = RingAllReduce.connect(rank, addresses, listening,
            Duration.ofSeconds(timeoutSeconds))) {
          RankResult result = job.run(ring);
          List<String> out = rank == 0 ? List.of(result.toJson()) : Collections.emptyList();
          return JavaConverters.asScalaIteratorConverter(out.iterator()).asScala();
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("distributed training rank " + rank + " failed: " + e.getMessage(), e);
      }
    }
  }
}
