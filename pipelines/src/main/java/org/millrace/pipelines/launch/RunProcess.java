package org.millrace.pipelines.launch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.millrace.metadata.Context;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which process runs a run, and whether it ended it: a run's context records the process that
 * started (or resumed) it, with {@code ended_ms} 0, and its time once the process has run every node
 * it could. A run whose last node completed but whose process was killed before the next node
 * started has no execution that says so (every recorded one completed); its context does: not
 * ended, its process gone. ({@code millrace runs} called such a run SUCCEEDED, two nodes short.)
 * A run recorded before runs kept their process has neither, and is judged by its executions alone.
 */
public final class RunProcess {
  private static final Logger LOG = LoggerFactory.getLogger(RunProcess.class);

  private RunProcess() {}

  /** Records this process as running (or resuming) {@code runId}, not ended. */
  public static void started(MetadataStore store, String runId) {
    var owner = new LinkedHashMap<>(Liveness.owner());
    owner.remove(Liveness.HEARTBEAT_MS);
    owner.put(Keys.ENDED_MS, Value.of(0L));
    store.updateContext(Context.of(Keys.RUN_CONTEXT, runId, owner));
  }

  /** Records that this process ended {@code runId}: every node it could run has run, failed or been skipped. */
  public static void ended(MetadataStore store, String runId) {
    try {
      store.updateContext(Context.of(Keys.RUN_CONTEXT, runId, Map.of(Keys.ENDED_MS,
          Value.of(System.currentTimeMillis()))));
    } catch (RuntimeException e) {
      // The run's outcome is in its executions; only a later 'runs' loses the end's record.
      LOG.warn("run {}: could not record its end: {}", runId, e.toString());
    }
  }

  /** Where a run stands by its context's record of its process. */
  public sealed interface Status {}

  /** Ended by its process, or recorded before runs kept their process. */
  public record Ended() implements Status {}

  /** Its process, on this host, is alive. */
  public record Running(long pid) implements Status {}

  /** Its process is gone without ending it: why. */
  public record Gone(String reason) implements Status {}

  /** Not ended, its process on another host, which this one cannot check. */
  public record Elsewhere(long pid, String host) implements Status {}

  public static Status status(Context run) {
    Map<String, Value> p = run.properties();
    Value ended = p.get(Keys.ENDED_MS);
    Value pid = p.get(Liveness.PID);
    Value host = p.get(Liveness.HOST);
    if (ended == null || pid == null || host == null || ((Number) ended.raw()).longValue() > 0) {
      return new Ended();
    }
    long thePid = ((Number) pid.raw()).longValue();
    String theHost = String.valueOf(host.raw());
    if (!theHost.equals(Liveness.host())) {
      return new Elsewhere(thePid, theHost);
    }
    Value started = p.get(Liveness.PROCESS_START_MS);
    Optional<String> gone = Liveness.processGone(thePid, theHost,
        started == null ? null : ((Number) started.raw()).longValue());
    return gone.<Status>map(Gone::new).orElseGet(() -> new Running(thePid));
  }
}
