package org.millrace.pipelines.launch;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionQuery;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who runs an execution, and what becomes of a RUNNING execution whose process is gone.
 *
 * <p>A RUNNING execution records the process running it: {@code pid}, {@code host}, the process's
 * start time and a {@code heartbeat_ms} that the process renews every quarter of the lease (default
 * 300 s, {@code MILLRACE_LEASE_SECONDS}). {@link #reconcile} ends, as FAILED with an {@code abandoned:}
 * reason, every RUNNING execution whose process is gone: on this host, when no process with that pid
 * and start time is alive; on another host, when its heartbeat is older than the lease. Every command
 * that opens the store runs it, so {@code kill -9} never leaves an execution RUNNING for good.
 */
public final class Liveness {
  private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

  public static final String PID = "pid";
  public static final String HOST = "host";
  public static final String PROCESS_START_MS = "process_start_ms";
  public static final String HEARTBEAT_MS = "heartbeat_ms";
  /** The prefix of the reason of an execution ended by {@link #reconcile}. */
  public static final String ABANDONED = "abandoned: ";

  private static final ScheduledExecutorService BEATS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "millrace-heartbeat");
    t.setDaemon(true);
    return t;
  });

  private Liveness() {}

  /** What a node that was running when its process was told to end (SIGTERM, SIGINT) records as its error. */
  public static final String STOPPED = "stopped: millrace was told to end (SIGTERM or SIGINT) while the node ran;"
      + " 'millrace resume' continues the run";

  /**
   * Records the executions of a run that this process still holds leases on FAILED as {@link #STOPPED}:
   * for a shutdown hook, so that a run ended by a signal says so at once rather than when a later
   * command finds its process gone. Each goes through its lease's {@link Lease#finish}, so a heartbeat
   * never writes RUNNING after it, and an execution whose node recorded its outcome first (its lease
   * finished) is left as it is.
   */
  public static void stopped(MetadataStore store, String runId) {
    for (Lease lease : LIVE) {
      lease.finishIfOpen(runId, running -> store.putExecution(running.withState(ExecutionState.FAILED)
          .withCustomProperties(Map.of(org.millrace.pipelines.launch.Keys.ERROR, Value.of(STOPPED),
              org.millrace.pipelines.launch.Keys.ENDED_MS, Value.of(System.currentTimeMillis())))));
    }
  }

  /**
   * Whether a RUNNING execution is this process's and no longer held by it: its lease finished while its
   * final state could not be written (the metadata store failed), so nothing runs it.
   */
  public static boolean orphanOfThisProcess(Execution e) {
    var mine = owner();
    return mine.get(PID).equals(e.customProperties().get(PID))
        && mine.get(PROCESS_START_MS).equals(e.customProperties().get(PROCESS_START_MS))
        && LIVE.stream().noneMatch(l -> l.executionId() == e.id());
  }

  /** The leases not finished yet, in this process. */
  private static final java.util.Set<Lease> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The lease of a RUNNING execution on another host, in milliseconds. */
  public static long leaseMillis() {
    String s = System.getenv("MILLRACE_LEASE_SECONDS");
    if (s == null || s.isBlank()) {
      return 300_000;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v >= 1 && v <= 86_400) {
        return v * 1000;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("MILLRACE_LEASE_SECONDS expected a number of seconds in [1, 86400], got '"
        + s + "'");
  }

  /** This host's name. */
  public static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      String h = System.getenv("HOSTNAME");
      return h == null ? "localhost" : h;
    }
  }

  /** The properties naming this process as the owner of a RUNNING execution. */
  public static Map<String, Value> owner() {
    ProcessHandle self = ProcessHandle.current();
    var p = new LinkedHashMap<String, Value>();
    p.put(PID, Value.of(self.pid()));
    p.put(HOST, Value.of(host()));
    p.put(PROCESS_START_MS, Value.of(self.info().startInstant().map(Instant::toEpochMilli).orElse(0L)));
    p.put(HEARTBEAT_MS, Value.of(System.currentTimeMillis()));
    return p;
  }

  /**
   * Ends every RUNNING execution whose process is gone as FAILED with the reason; returns them. A
   * store that cannot be written (read-only, locked) is left as it is.
   */
  public static List<Execution> reconcile(MetadataStore store) {
    var ended = new ArrayList<Execution>();
    List<Execution> running;
    try {
      running = store.getExecutions(ExecutionQuery.builder().state(ExecutionState.RUNNING).limit(10_000).build());
    } catch (RuntimeException e) {
      LOG.debug("cannot list running executions: {}", e.getMessage());
      return ended;
    }
    long now = System.currentTimeMillis();
    String host = host();
    for (Execution e : running) {
      Optional<String> gone = gone(e, host, now);
      if (gone.isEmpty()) {
        continue;
      }
      String reason = ABANDONED + gone.get();
      Execution failed = e.withState(ExecutionState.FAILED).withCustomProperties(Map.of(Keys.ERROR, Value.of(reason),
          Keys.ENDED_MS, Value.of(now)));
      store.putExecution(failed);
      LOG.warn("execution {} (node {}) was RUNNING: {}", e.id(), StoreQueries.stringProp(e, Keys.NODE), reason);
      ended.add(failed);
    }
    return ended;
  }

  /** Why the execution's process is gone, or empty while it may still run. */
  static Optional<String> gone(Execution e, String thisHost, long now) {
    Long pid = longProp(e, PID);
    String host = e.property(HOST).map(v -> String.valueOf(v.raw())).orElse(null);
    Long beat = longProp(e, HEARTBEAT_MS);
    long lease = leaseMillis();
    if (pid == null || host == null) {
      long last = e.updateTime() == null ? 0 : e.updateTime().toEpochMilli();
      return now - last > lease ? Optional.of("no owning process recorded and no update for "
          + (now - last) / 1000 + " s (lease " + lease / 1000 + " s)") : Optional.empty();
    }
    if (host.equals(thisHost)) {
      return processGone(pid, host, longProp(e, PROCESS_START_MS));
    }
    long last = beat != null ? beat : e.updateTime() == null ? 0 : e.updateTime().toEpochMilli();
    return now - last > lease ? Optional.of("no heartbeat from process " + pid + " on " + host + " for "
        + (now - last) / 1000 + " s (lease " + lease / 1000 + " s)") : Optional.empty();
  }

  /**
   * Why process {@code pid} of this host, started at {@code startedMs} (0 or null: not recorded), is
   * gone, or empty while it lives.
   */
  public static Optional<String> processGone(long pid, String host, Long startedMs) {
    Optional<ProcessHandle> ph = ProcessHandle.of(pid);
    if (ph.isEmpty() || !ph.get().isAlive()) {
      return Optional.of("process " + pid + " on " + host + " is gone (killed or crashed while running)");
    }
    Optional<Instant> actual = ph.get().info().startInstant();
    if (startedMs != null && startedMs > 0 && actual.isPresent()
        && Math.abs(actual.get().toEpochMilli() - startedMs) > 2_000) {
      return Optional.of("process " + pid + " on " + host + " is gone (the pid now belongs to another process)");
    }
    return Optional.empty();
  }

  private static Long longProp(Execution e, String key) {
    return e.property(key).map(v -> v.raw() instanceof Number n ? n.longValue() : null).orElse(null);
  }

  /**
   * Keeps a RUNNING execution's heartbeat fresh until {@link #finish} writes its final state; the
   * two never interleave, so a heartbeat never turns a finished execution back to RUNNING.
   */
  public static final class Lease {
    private final MetadataStore store;
    private Execution running;
    private boolean done;
    private final ScheduledFuture<?> future;

    Lease(MetadataStore store, Execution running) {
      this.store = store;
      this.running = running;
      long period = Math.max(1_000, leaseMillis() / 4);
      this.future = BEATS.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    private synchronized void beat() {
      if (done) {
        return;
      }
      try {
        running = running.withCustomProperties(Map.of(HEARTBEAT_MS, Value.of(System.currentTimeMillis())));
        store.putExecution(running);
      } catch (RuntimeException e) {
        LOG.warn("heartbeat of execution {} failed: {}", running.id(), e.getMessage());
      }
    }

    /** Stops the heartbeat and writes the execution's final state (properties merged). */
    public synchronized <T> T finish(java.util.function.Supplier<T> write) {
      done = true;
      future.cancel(false);
      LIVE.remove(this);
      return write.get();
    }

    synchronized long executionId() {
      return running.id();
    }

    /** {@link #finish} with {@code write}, when this lease is of {@code runId} and not finished yet. */
    synchronized void finishIfOpen(String runId, java.util.function.Consumer<Execution> write) {
      if (done || !runId.equals(String.valueOf(running.customProperties().getOrDefault(
          org.millrace.pipelines.launch.Keys.RUN_ID, Value.of("")).raw()))) {
        return;
      }
      finish(() -> {
        write.accept(running);
        return null;
      });
    }
  }

  /** Starts the heartbeat of this RUNNING execution (already stored, with {@link #owner()}'s properties). */
  public static Lease lease(MetadataStore store, Execution running) {
    var lease = new Lease(store, running);
    LIVE.add(lease);
    return lease;
  }
}
