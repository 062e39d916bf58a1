package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-process runner's task pool: results in order, tasks that submit tasks, and a failure that stops the rest. */
class InProcessTest {
  @Test
  void runAllReturnsResultsInTheTasksOrder() throws Exception {
    var tasks = new ArrayList<Callable<Integer>>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      tasks.add(() -> {
        Thread.sleep((50 - n) % 7);
        return n * n;
      });
    }
    List<Integer> out = InProcess.runAll(tasks, 3);
    for (int i = 0; i < 50; i++) {
      assertEquals(i * i, out.get(i));
    }
  }

  @Test
  void tasksSubmittedByTasksAreAwaited() throws Exception {
    var done = new AtomicInteger();
    try (var tasks = new InProcess.Tasks(2)) {
      for (int p = 0; p < 3; p++) {
        tasks.submit(() -> {
          for (int i = 0; i < 20; i++) {
            tasks.submit(() -> {
              Thread.sleep(2);
              return done.incrementAndGet();
            });
          }
          return null;
        });
      }
      tasks.awaitAll();
      assertEquals(60, done.get());
    }
  }

  @Test
  void theFirstFailureStopsTheQueuedTasksAndIsThrown() throws Exception {
    var started = new AtomicInteger();
    var running = new AtomicInteger();
    var tasks = new InProcess.Tasks(2);
    // A first task (a planner, say) that only a stop ends: awaitAll must not wait for it.
    var never = new java.util.concurrent.CountDownLatch(1);
    var stopped = new java.util.concurrent.atomic.AtomicBoolean();
    tasks.submit(() -> {
      try {
        never.await(20, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        stopped.set(true);
      }
      return null;
    });
    Thread main = Thread.currentThread();
    tasks.submit(() -> {
      // Fails once the caller waits in awaitAll (for the first task), so only a stop can wake it.
      while (main.getState() != Thread.State.WAITING) {
        Thread.sleep(1);
      }
      throw new IllegalArgumentException("input.csv line 2: column 'x' expected int, got 'y'");
    });
    for (int i = 0; i < 200; i++) {
      tasks.submit(() -> {
        started.incrementAndGet();
        running.incrementAndGet();
        try {
          Thread.sleep(50);
        } finally {
          running.decrementAndGet();
        }
        return null;
      });
    }
    var e = assertThrows(IllegalArgumentException.class, tasks::awaitAll);
    assertEquals("input.csv line 2: column 'x' expected int, got 'y'", e.getMessage());
    tasks.close();
    // (Checked once close has waited for the threads: the interrupt reaches the first task's thread
    // after awaitAll has returned.)
    assertTrue(stopped.get(), "the first task was not stopped: awaitAll waited for it to end");
    // Queued tasks never started, and none is still running once close returns.
    assertTrue(started.get() < 20, started.get() + " of 200 queued tasks started after the failure");
    assertEquals(0, running.get());
  }

  @Test
  void aNamedRunnerInAnySpellingIsNotInProcess() {
    assertTrue(InProcess.applies(List.of()));
    assertTrue(InProcess.applies(List.of("--targetParallelism=2", "--tempLocation=/tmp/x")));
    assertFalse(InProcess.applies(List.of("--runner=DirectRunner")));
    assertFalse(InProcess.applies(List.of("--Runner=SparkRunner")));
    assertFalse(InProcess.applies(List.of("--runner", "SparkRunner")));
  }

  @Test
  void beamOptionsOtherThanTheThreadCountAreCheckedAsBeamChecksThem() {
    InProcess.validate(List.of("--targetParallelism=2"));
    var e = assertThrows(IllegalArgumentException.class, () -> InProcess.validate(List.of("--tempLocaton=/tmp/x")));
    assertTrue(e.getMessage().startsWith("beam_pipeline_args expected valid Beam pipeline options"), e.getMessage());
    assertEquals(2, InProcess.parallelism(List.of("--targetParallelism=2")));
    // By default the processors, at most one thread per 24 MiB of heap, at least one.
    assertEquals(16, InProcess.parallelism(16, 4L << 30));
    assertEquals(2, InProcess.parallelism(16, 60L << 20), "a 64 MiB heap (60 MiB usable) on 16 processors");
    assertEquals(1, InProcess.parallelism(16, 16L << 20));
    assertEquals(2, InProcess.parallelism(2, Long.MAX_VALUE), "no heap limit");
    // An explicit parallelism is the user's, whatever the heap.
    assertEquals(64, InProcess.parallelism(List.of("--targetParallelism=64")));
    assertThrows(IllegalArgumentException.class, () -> InProcess.parallelism(List.of("--targetParallelism=0")));
  }
}
