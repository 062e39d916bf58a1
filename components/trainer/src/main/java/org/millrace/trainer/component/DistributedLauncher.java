package org.millrace.trainer.component;

import java.util.Map;
import java.util.ServiceLoader;
import org.millrace.trainer.dist.RingAllReduce;

/**
 * Starts the ranks of a distributed training job somewhere (Spark barrier tasks, ...), hands each
 * its {@link DistributedJob} and a joined {@link RingAllReduce}, and returns rank 0's result.
 * Found with {@link ServiceLoader}, so that the trainer itself needs no cluster library: the
 * Spark launcher lives in {@code millrace-trainer-spark}.
 */
public interface DistributedLauncher {
  /** The name the Trainer's {@code distributed.launcher} parameter uses. */
  String name();

  RankResult train(DistributedJob job, Map<String, Object> settings) throws Exception;

  /** The launcher named {@code name} on the classpath, or an error saying which module brings it. */
  static DistributedLauncher find(String name) {
    for (DistributedLauncher l : ServiceLoader.load(DistributedLauncher.class)) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException("distributed.launcher expected a launcher on the classpath, got '" + name
        + "'" + (name.equals("spark") ? " (add org.millrace:millrace-trainer-spark; the millrace CLI has it)" : ""));
  }
}
