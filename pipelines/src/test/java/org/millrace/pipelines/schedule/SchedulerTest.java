package org.millrace.pipelines.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.ExecutionQuery;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;

/** The scheduler on a fake clock over a real (SQLite) metadata store. */
class SchedulerTest {
  @TempDir
  Path dir;

  /** A clock that jumps when asked to sleep, and remembers until when. */
  static final class FakeClock implements Scheduler.Clock {
    Instant now;
    final List<Instant> sleeps = new ArrayList<>();

    FakeClock(String iso) {
      now = Instant.parse(iso);
    }

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public void sleepUntil(Instant t) {
      sleeps.add(t);
      now = t;
    }
  }

  /** Fires seen by the runner, as "fire time / interval start". */
  final List<String> fires = new ArrayList<>();

  int schedule(MetadataStore store, FakeClock clock, String start, boolean catchUp, int maxRuns) throws Exception {
    var options = new Scheduler.Options(Cron.parse("0 2 * * *"), ZoneOffset.UTC,
        start == null ? null : Instant.parse(start), catchUp, maxRuns);
    return new Scheduler(store, "weather", options, clock, fire -> {
      fires.add(fire.time() + " / " + fire.intervalStart());
      boolean ok = !fire.time().toLocalDate().toString().equals("2026-11-30");
      return new Scheduler.Outcome("run-" + fires.size(), ok, ok ? null : "a node failed");
    }, logs::add).run();
  }

  /** What the schedulers of {@link #schedule} said. */
  final List<String> logs = new ArrayList<>();

  @Test
  void catchUpRunsEveryMissedFireOldestFirstAndASecondSchedulerContinues() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("md.db"))) {
      var clock = new FakeClock("2026-12-01T03:00:00Z");
      int failed = schedule(store, clock, "2026-11-28T00:00:00Z", true, 4);
      assertEquals(List.of("2026-11-28T02:00Z / 2026-11-27T02:00Z", "2026-11-29T02:00Z / 2026-11-28T02:00Z",
          "2026-11-30T02:00Z / 2026-11-29T02:00Z", "2026-12-01T02:00Z / 2026-11-30T02:00Z"), fires);
      assertEquals(1, failed, "the fire of 2026-11-30 failed");
      assertEquals(List.of(), clock.sleeps, "nothing to wait for while catching up");

      // Each fire is recorded, failures too, in the schedule's context.
      var scheduler = new Scheduler(store, "weather", new Scheduler.Options(Cron.parse("0 2 * * *"), ZoneOffset.UTC,
          null, true, 0), clock, f -> null, l -> { });
      long ctx = store.getContext(Scheduler.CONTEXT_TYPE, "weather @ 0 2 * * * Z").orElseThrow().id();
      var runs = store.getExecutions(ExecutionQuery.builder().type(Scheduler.EXECUTION_TYPE).context(ctx).build());
      assertEquals(4, runs.size());
      assertEquals(List.of(ExecutionState.COMPLETE, ExecutionState.COMPLETE, ExecutionState.FAILED,
          ExecutionState.COMPLETE), runs.stream().map(e -> e.state()).toList());
      assertEquals("run-3", runs.get(2).customProperties().get("run_id").raw());
      assertEquals("2026-11-29T02:00Z", runs.get(2).customProperties().get("interval_start").raw());
      assertEquals(Instant.parse("2026-12-01T02:00:00Z"), scheduler.lastRecordedFire().orElseThrow());

      // Two days later another scheduler takes over: the two fires since the last recorded one, no repeats.
      fires.clear();
      clock.now = Instant.parse("2026-12-03T05:00:00Z");
      logs.clear();
      schedule(store, clock, "2026-11-01T00:00:00Z", true, 2);
      assertEquals(List.of("2026-12-02T02:00Z / 2026-12-01T02:00Z", "2026-12-03T02:00Z / 2026-12-02T02:00Z"), fires);
      // Its start is not taken, and it says so.
      assertEquals(true, logs.stream().anyMatch(l -> l.contains("start 2026-11-01T00:00Z ignored: the schedule"
          + " continues after its last recorded fire")), logs.toString());
    }
  }

  @Test
  void withoutCatchUpOnlyTheLatestMissedFireRunsThenItWaitsForTheNext() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("md.db"))) {
      var clock = new FakeClock("2026-12-01T03:00:00Z");
      schedule(store, clock, "2026-11-28T00:00:00Z", false, 2);
      assertEquals(List.of("2026-12-01T02:00Z / 2026-11-30T02:00Z", "2026-12-02T02:00Z / 2026-12-01T02:00Z"), fires);
      assertEquals(List.of(Instant.parse("2026-12-02T02:00:00Z")), clock.sleeps);
    }
  }

  @Test
  void aNewScheduleWithoutAStartWaitsForItsFirstFire() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("md.db"))) {
      var clock = new FakeClock("2026-12-01T01:30:00Z");
      schedule(store, clock, null, true, 1);
      assertEquals(List.of(Instant.parse("2026-12-01T02:00:00Z")), clock.sleeps);
      assertEquals(List.of("2026-12-01T02:00Z / 2026-11-30T02:00Z"), fires);
    }
  }

  @Test
  void aLongHistoryStillContinuesAfterItsNewestFireAndABrokenPipelineStopsTheSchedule() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("md.db"))) {
      var clock = new FakeClock("2026-12-01T18:00:00Z");
      var minutely = new Scheduler.Options(Cron.parse("* * * * *"), ZoneOffset.UTC, Instant.parse(
          "2026-12-01T00:00:00Z"), true, 1005);
      new Scheduler(store, "busy", minutely, clock, f -> new Scheduler.Outcome("r", true, null), l -> { }).run();
      var again = new Scheduler(store, "busy", minutely, clock, f -> {
        fires.add(f.time().toString());
        throw new IllegalArgumentException("--set q.value expected a node of pipeline 'busy'");
      }, l -> { });
      // More fires than a default query returns (1000): the newest is still found.
      assertEquals(Instant.parse("2026-12-01T16:44:00Z"), again.lastRecordedFire().orElseThrow());
      var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, again::run);
      assertEquals("--set q.value expected a node of pipeline 'busy'", e.getMessage());
      assertEquals(List.of("2026-12-01T16:45Z"), fires);
      assertEquals(Instant.parse("2026-12-01T16:44:00Z"), again.lastRecordedFire().orElseThrow(), "not recorded");
    }
  }

  /** What a kill -9 during a fire's run leaves: the claim, owned by a process that is gone. */
  @Test
  void aFireWhoseSchedulerDiedIsTakenOnceMoreNeitherLostNorRecordedTwice() throws Exception {
    try (MetadataStore store = MetadataStores.sqlite(dir.resolve("md.db"))) {
      var clock = new FakeClock("2026-12-01T03:00:00Z");
      var options = new Scheduler.Options(Cron.parse("0 2 * * *"), ZoneOffset.UTC, Instant.parse(
          "2026-12-01T00:00:00Z"), false, 1);
      class Died extends Error {
        private static final long serialVersionUID = 1L;
      }
      var dying = new Scheduler(store, "weather", options, clock, fire -> {
        fires.add(fire.time().toString());
        throw new Died();
      }, line -> { });
      org.junit.jupiter.api.Assertions.assertThrows(Died.class, dying::run);
      var claims = store.getExecutions(ExecutionQuery.builder().type(Scheduler.EXECUTION_TYPE).build());
      assertEquals(1, claims.size());
      assertEquals(ExecutionState.RUNNING, claims.get(0).state());
      // The claim's process is gone (a process that has exited stands for the killed scheduler).
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      store.putExecution(claims.get(0).withCustomProperties(java.util.Map.of(
          org.millrace.pipelines.launch.Liveness.PID, org.millrace.metadata.Value.of(gone.pid()))));
      assertEquals(1, org.millrace.pipelines.launch.Liveness.reconcile(store).size());

      var lines = new ArrayList<String>();
      int failed = new Scheduler(store, "weather", options, clock, fire -> {
        fires.add(fire.time().toString());
        return new Scheduler.Outcome("run-2", true, null);
      }, lines::add).run();
      assertEquals(0, failed);
      assertEquals(List.of("2026-12-01T02:00Z", "2026-12-01T02:00Z"), fires, "the same fire, taken once more");
      claims = store.getExecutions(ExecutionQuery.builder().type(Scheduler.EXECUTION_TYPE).build());
      assertEquals(1, claims.size(), "one record for the fire: " + claims);
      assertEquals(ExecutionState.COMPLETE, claims.get(0).state());
      assertEquals("run-2", claims.get(0).customProperties().get("run_id").raw());
      assertEquals(true, String.valueOf(claims.get(0).customProperties().get("retaken_after").raw())
          .startsWith("abandoned: process "));
      assertEquals(true, lines.stream().anyMatch(l -> l.contains("taking it again")), lines.toString());
    }
  }
}
