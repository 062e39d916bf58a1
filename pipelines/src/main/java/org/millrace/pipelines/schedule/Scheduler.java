package org.millrace.pipelines.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionQuery;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.StoreType;
import org.millrace.metadata.Value;
import org.millrace.pipelines.launch.StoreSchema;

/**
 * Runs a pipeline on a cron schedule ({@code millrace schedule}). Each fire is recorded in the
 * metadata store as a {@code ScheduledRun} execution in the schedule's context (pipeline, cron
 * expression and zone), with its fire time, the start of the interval it covers and the run it
 * started, so a scheduler that stops and starts again continues after the last recorded fire.
 *
 * <p>Fires missed while no scheduler ran (or before {@code start}, for a new schedule) are
 * caught up one run per fire, oldest first, when {@code catchUp} is set (Airflow's
 * {@code catchup=True}); otherwise only the latest missed fire runs. A fire covers the interval
 * from the previous fire time to its own, like an Airflow data interval: the daily 02:00 run of
 * December 2 covers December 1, whose span it can read ({@code --span-format}).
 *
 * <p>A fire is claimed before its run starts (a RUNNING {@code ScheduledRun} naming this process,
 * see {@link org.millrace.pipelines.launch.Liveness}) and the claim is completed with the run's
 * outcome. A scheduler killed during a fire leaves the claim, which the next command opening the
 * store ends as abandoned; the restarted scheduler takes that fire once more (its killed run never
 * finished) before going on, so a fire is neither lost nor run to completion twice.
 */
public final class Scheduler {
  public static final String EXECUTION_TYPE = "ScheduledRun";
  public static final String CONTEXT_TYPE = "schedule";

  /** Time, for tests to replace. */
  public interface Clock {
    Instant now();

    void sleepUntil(Instant t) throws InterruptedException;

    static Clock system() {
      return new Clock() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public void sleepUntil(Instant t) throws InterruptedException {
          long ms = Duration.between(Instant.now(), t).toMillis();
          if (ms > 0) {
            Thread.sleep(ms);
          }
        }
      };
    }
  }

  /** A fire time and the start of the interval it covers (the previous fire time). */
  public record Fire(ZonedDateTime time, ZonedDateTime intervalStart) {}

  /** What a fire's run did. */
  public record Outcome(String runId, boolean succeeded, String error) {}

  /** Runs the pipeline for a fire. */
  @FunctionalInterface
  public interface Runner {
    Outcome run(Fire fire) throws Exception;
  }

  /**
   * @param start a new schedule's first fire is the first at or after this (null: the next one from now)
   * @param maxRuns stop after this many runs (0: run until interrupted)
   */
  public record Options(Cron cron, ZoneId zone, Instant start, boolean catchUp, int maxRuns) {}

  private final MetadataStore store;
  private final String pipeline;
  private final Options options;
  private final Clock clock;
  private final Runner runner;
  private final Consumer<String> log;

  public Scheduler(MetadataStore store, String pipeline, Options options, Clock clock, Runner runner,
      Consumer<String> log) {
    this.store = store;
    this.pipeline = pipeline;
    this.options = options;
    this.clock = clock;
    this.runner = runner;
    this.log = log;
  }

  /** The schedule's context name. */
  public String contextName() {
    return pipeline + " @ " + options.cron().canonical() + " " + options.zone().normalized().getId();
  }

  /**
   * Runs fires as they come due until {@code maxRuns} are done (or forever); returns the runs
   * that failed. A run that fails is recorded and the schedule goes on; a runner that throws
   * {@link IllegalArgumentException} (the pipeline does not compile) stops it, with that fire not
   * recorded.
   */
  public int run() throws InterruptedException {
    ZoneId zone = options.zone();
    Cron cron = options.cron();
    Optional<Instant> last = lastRecordedFire();
    ZonedDateTime after;
    if (last.isPresent()) {
      after = last.get().atZone(zone);
      log.accept("schedule " + contextName() + ": last recorded fire " + after);
      if (options.start() != null) {
        // A recorded schedule goes on from its fires: a start is a new schedule's.
        log.accept("schedule " + contextName() + ": start " + options.start().atZone(zone)
            + " ignored: the schedule continues after its last recorded fire (for earlier intervals, use backfill)");
      }
    } else if (options.start() != null) {
      after = options.start().atZone(zone).minusMinutes(1);
    } else {
      after = clock.now().atZone(zone);
    }
    int runs = 0;
    int failed = 0;
    Optional<Execution> abandoned = newestClaim().filter(e -> e.state() == ExecutionState.FAILED
        && String.valueOf(e.customProperties().getOrDefault("error", Value.of("")).raw())
            .startsWith(org.millrace.pipelines.launch.Liveness.ABANDONED));
    if (abandoned.isPresent() && (options.maxRuns() == 0 || runs < options.maxRuns())) {
      Execution claim = abandoned.get();
      Fire fire = new Fire(ZonedDateTime.parse(String.valueOf(claim.customProperties().get("fire_time").raw())),
          ZonedDateTime.parse(String.valueOf(claim.customProperties().get("interval_start").raw())));
      log.accept("schedule " + contextName() + ": fire " + fire.time() + " was claimed by a scheduler that died"
          + " during its run: taking it again");
      var props = new LinkedHashMap<>(claim.customProperties());
      Value reason = props.remove("error");
      if (reason != null) {
        props.put("retaken_after", reason);
      }
      props.remove(org.millrace.pipelines.launch.Keys.ENDED_MS);
      props.putAll(org.millrace.pipelines.launch.Liveness.owner());
      Execution retaken = new Execution(claim.id(), claim.type(), claim.name(), ExecutionState.RUNNING,
          claim.properties(), props, claim.createTime(), claim.updateTime());
      store.putExecution(retaken);
      if (!fire(fire, retaken)) {
        failed++;
      }
      runs++;
    }
    while (options.maxRuns() == 0 || runs < options.maxRuns()) {
      Optional<ZonedDateTime> next = cron.next(after, zone);
      if (next.isEmpty()) {
        log.accept("schedule " + contextName() + ": no fire time within eight years of " + after);
        break;
      }
      ZonedDateTime t = next.get();
      Instant now = clock.now();
      if (t.toInstant().isAfter(now)) {
        log.accept("schedule " + contextName() + ": next run at " + t);
        clock.sleepUntil(t.toInstant());
        continue;
      }
      if (!options.catchUp()) {
        ZonedDateTime latest = cron.previous(now.plusNanos(1).atZone(zone), zone).orElse(t);
        if (latest.isAfter(t)) {
          log.accept("schedule " + contextName() + ": skipping missed fires from " + t + " to before " + latest
              + " (catch-up is off)");
          t = latest;
        }
      }
      Fire fire = new Fire(t, cron.previous(t, zone).orElse(t));
      if (!fire(fire, claim(fire))) {
        failed++;
      }
      after = t;
      runs++;
    }
    return failed;
  }

  /** Runs a claimed fire and completes its claim; returns whether its run succeeded. */
  private boolean fire(Fire fire, Execution claim) throws InterruptedException {
    var lease = org.millrace.pipelines.launch.Liveness.lease(store, claim);
    org.millrace.api.fault.CrashPoints.hit("schedule-fire");
    Outcome outcome;
    try {
      outcome = runner.run(fire);
    } catch (InterruptedException | IllegalArgumentException e) {
      // Interrupted, or the pipeline or its parameters are wrong: the claim is withdrawn (no fire is
      // recorded), the scheduler stops, and a fixed one takes this fire again.
      lease.finish(() -> store.putExecution(claim.withState(ExecutionState.CANCELED)));
      throw e;
    } catch (Exception e) {
      outcome = new Outcome("", false, e.toString());
    }
    Map<String, Value> props = new LinkedHashMap<>();
    props.put("run_id", Value.of(outcome.runId() == null ? "" : outcome.runId()));
    if (outcome.error() != null) {
      props.put("error", Value.of(outcome.error()));
    }
    boolean ok = outcome.succeeded();
    lease.finish(() -> store.putExecution(claim.withState(ok ? ExecutionState.COMPLETE : ExecutionState.FAILED)
        .withCustomProperties(props)));
    log.accept("schedule " + contextName() + ": fire " + fire.time() + " (interval from " + fire.intervalStart()
        + ") run " + outcome.runId() + (outcome.succeeded() ? " succeeded" : " FAILED" + (outcome.error() == null ? ""
        : ": " + outcome.error())));
    return outcome.succeeded();
  }

  /** The newest fire claimed for this schedule and not withdrawn. */
  private Optional<Execution> newestClaim() {
    Optional<Context> ctx = store.getContext(CONTEXT_TYPE, contextName());
    if (ctx.isEmpty()) {
      return Optional.empty();
    }
    // Fires are claimed in time order: the newest execution not withdrawn is the last fire.
    return store.getExecutions(ExecutionQuery.builder().type(EXECUTION_TYPE).context(ctx.get().id()).newestFirst()
            .limit(50).build())
        .stream().filter(e -> e.state() != ExecutionState.CANCELED && e.customProperties().get("fire_time_ms") != null)
        .findFirst();
  }

  /** The fire time of the newest ScheduledRun recorded for this schedule. */
  public Optional<Instant> lastRecordedFire() {
    return newestClaim().map(e -> Instant.ofEpochMilli(((Number) e.customProperties().get("fire_time_ms").raw())
        .longValue()));
  }

  /** Records that this process runs the fire (RUNNING, with its pid and host). */
  private Execution claim(Fire fire) {
    StoreSchema.register(store);
    store.putType(StoreType.execution(EXECUTION_TYPE, Map.of()));
    store.putType(StoreType.context(CONTEXT_TYPE, Map.of()));
    Map<String, Value> props = new LinkedHashMap<>();
    props.put("fire_time", Value.of(fire.time().toString()));
    props.put("fire_time_ms", Value.of(fire.time().toInstant().toEpochMilli()));
    props.put("interval_start", Value.of(fire.intervalStart().toString()));
    props.putAll(org.millrace.pipelines.launch.Liveness.owner());
    Execution claim = Execution.create(EXECUTION_TYPE, ExecutionState.RUNNING, Map.of(), props);
    long id = store.putExecution(claim, List.of(), List.of(Context.of(CONTEXT_TYPE, contextName()))).executionId();
    return claim.withId(id);
  }
}
