package org.millrace.trainer.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.millrace.trainer.dist.RingAllReduce;
import org.millrace.api.spec.ParameterBinder;

/**
 * What every rank of a distributed training job needs, as plain values (a launcher ships it as
 * JSON): the Trainer's parameters, the transformed train and eval split directories (on storage
 * every rank reads), the transform graph's JSON, an optional base model to start from, and the
 * job's secret token, by which its ranks recognise each other when they join the ring.
 */
public record DistributedJob(Map<String, Object> parameters, String trainDir, String evalDir, String graphJson,
    String baseModelDir, int ranks, String token) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("BUG: a distributed job did not serialize", e);
    }
  }

  public static DistributedJob fromJson(String json) {
    try {
      return JSON.readValue(json, DistributedJob.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a distributed job expected its JSON, got: " + e.getMessage(), e);
    }
  }

  /** This job with other parameters (a launcher's per-rank settings, such as threads). */
  public DistributedJob withParameters(Map<String, Object> p) {
    return new DistributedJob(p, trainDir, evalDir, graphJson, baseModelDir, ranks, token);
  }

  /** This rank's part of the job, on a joined ring of {@link #ranks} ranks. */
  public RankResult run(RingAllReduce ring) throws Exception {
    if (ring.size() != ranks) {
      throw new IllegalStateException("distributed job expected " + ranks + " ranks, got a ring of " + ring.size());
    }
    TrainerParams p = ParameterBinder.bind(TrainerParams.class, parameters);
    return TrainerRanks.train(p, Path.of(trainDir), Path.of(evalDir), graphJson,
        baseModelDir == null ? null : Path.of(baseModelDir), ring);
  }
}
