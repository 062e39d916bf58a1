package org.millrace.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Request batching with a model whose answer is a known function of its row: concurrent requests
 * share forward passes and each gets exactly its own rows' outputs.
 */
class BatcherTest {
  /** Two features per row, three outputs: (10 a + b, a - b, row's sum of features * 3). */
  static final class Fake implements Inference {
    final List<Integer> passRows = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public float[] predict(float[] features, int rows) {
      passRows.add(rows);
      float[] out = new float[rows * 3];
      for (int r = 0; r < rows; r++) {
        float a = features[2 * r];
        float b = features[2 * r + 1];
        if (Float.isNaN(a)) {
          throw new IllegalArgumentException("row " + r + " has NaN");
        }
        out[3 * r] = 10 * a + b;
        out[3 * r + 1] = a - b;
        out[3 * r + 2] = 3 * (a + b);
      }
      return out;
    }
  }

  static float[] expected(float[] features) {
    return new Fake().predict(features, features.length / 2);
  }

  static float[] rows(int client, int n) {
    float[] f = new float[2 * n];
    for (int r = 0; r < n; r++) {
      f[2 * r] = client * 100 + r;
      f[2 * r + 1] = -client - r * 0.5f;
    }
    return f;
  }

  /** Runs {@code clients} threads, client i predicting {@code rows(i, rowsEach)}; each one's answer or error. */
  static Map<Integer, Object> clients(Batcher batcher, int clients, int rowsEach) throws InterruptedException {
    return clients(batcher, clients, rowsEach, null);
  }

  /** As {@link #clients(Batcher, int, int)}, the others started once {@code afterFirst} (if any) opens. */
  static Map<Integer, Object> clients(Batcher batcher, int clients, int rowsEach,
      java.util.concurrent.CountDownLatch afterFirst) throws InterruptedException {
    var answers = new ConcurrentHashMap<Integer, Object>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread t = new Thread(() -> {
        try {
          answers.put(client, batcher.predict(rows(client, rowsEach), rowsEach));
        } catch (RuntimeException e) {
          answers.put(client, e);
        }
      });
      t.start();
      threads.add(t);
      if (i == 0 && afterFirst != null && !afterFirst.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the first pass did not start within 30 s");
      }
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    return answers;
  }

  /**
   * Holds the first pass until {@code queued} requests wait behind it; the latch opens once that
   * pass is held (its requests taken from the queue).
   */
  static java.util.concurrent.CountDownLatch holdFirstPassUntilQueued(Batcher batcher, int queued) {
    var first = new java.util.concurrent.atomic.AtomicBoolean(true);
    var held = new java.util.concurrent.CountDownLatch(1);
    batcher.beforePass = n -> {
      if (first.getAndSet(false)) {
        held.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (batcher.queued() < queued && System.nanoTime() < deadline) {
          Thread.onSpinWait();
          Thread.yield();
        }
      }
    };
    return held;
  }

  @Test
  void concurrentOneRowRequestsShareAPassAndEachGetsItsOwnRow() throws Exception {
    var fake = new Fake();
    var batcher = new Batcher(fake, 1, 64, Duration.ZERO);
    var held = holdFirstPassUntilQueued(batcher, 15);
    // Client 0 first, alone in the held pass; the other 15 once it is held (started together, a
    // second client could join the first pass before it was taken, and the hold waited in vain).
    Map<Integer, Object> answers = clients(batcher, 16, 1, held);
    assertEquals(16, answers.size());
    for (int i = 0; i < 16; i++) {
      assertArrayEquals(expected(rows(i, 1)), (float[]) answers.get(i), "client " + i);
    }
    // The first request alone (held), then the 15 that queued behind it in one pass.
    assertEquals(List.of(1, 15), fake.passRows);
    assertEquals(2, batcher.passes());
    assertEquals(1, batcher.batchedPasses());
  }

  /** With two network copies, two passes run at the same time (each waits here for the other to start). */
  @Test
  void passesRunConcurrentlyUpToTheParallelism() throws Exception {
    var bothIn = new java.util.concurrent.CyclicBarrier(2);
    Inference meeting = (features, rows) -> {
      try {
        bothIn.await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the other pass did not run at the same time", e);
      }
      return new Fake().predict(features, rows);
    };
    var batcher = new Batcher(meeting, 2, 1, Duration.ZERO);
    Map<Integer, Object> answers = clients(batcher, 2, 1);
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(expected(rows(i, 1)), (float[]) answers.get(i), "client " + i + ": " + answers.get(i));
    }
  }

  @Test
  void passesStayWithinTheRowLimitAndMultiRowRequestsGetTheirRowsInOrder() throws Exception {
    var fake = new Fake();
    var batcher = new Batcher(fake, 1, 8, Duration.ZERO);
    holdFirstPassUntilQueued(batcher, 9);
    Map<Integer, Object> answers = clients(batcher, 10, 3);
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(expected(rows(i, 3)), (float[]) answers.get(i), "client " + i);
    }
    assertTrue(fake.passRows.stream().allMatch(n -> n <= 8), fake.passRows.toString());
    assertTrue(fake.passRows.stream().anyMatch(n -> n == 6), "two requests of 3 rows share a pass: " + fake.passRows);
    // A request over the limit runs alone, whole.
    assertArrayEquals(expected(rows(7, 20)), batcher.predict(rows(7, 20), 20));
  }

  @Test
  void aRowTheModelCannotTakeFailsOnlyItsOwnRequest() throws Exception {
    var batcher = new Batcher(new Fake(), 1, 64, Duration.ZERO);
    holdFirstPassUntilQueued(batcher, 7);
    var answers = new ConcurrentHashMap<Integer, Object>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int client = i;
      float[] row = rows(client, 1);
      if (client == 5) {
        row[0] = Float.NaN;
      }
      Thread t = new Thread(() -> {
        try {
          answers.put(client, batcher.predict(row, 1));
        } catch (RuntimeException e) {
          answers.put(client, e);
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    assertTrue(batcher.batchedPasses() >= 1);
    for (int i = 0; i < 8; i++) {
      if (i == 5) {
        assertEquals("row 0 has NaN", ((IllegalArgumentException) answers.get(i)).getMessage());
      } else {
        assertArrayEquals(expected(rows(i, 1)), (float[]) answers.get(i), "client " + i);
      }
    }
    float[] bad = {Float.NaN, 0};
    assertThrows(IllegalArgumentException.class, () -> batcher.predict(bad, 1));
  }

  /**
   * A pass waits for a request that the server has announced (its body being read) and takes it
   * along; it would not wait for nothing (the wait here is long, the pass ends as soon as the
   * announced request has come).
   */
  @Test
  void aPassWaitsForAnAnnouncedRequestAndTakesItAlong() throws Exception {
    var fake = new Fake();
    var batcher = new Batcher(fake, 1, 64, Duration.ofSeconds(20));
    Batcher.Arrival coming = batcher.expect();
    var answer = new java.util.concurrent.atomic.AtomicReference<float[]>();
    var started = new CountDownLatch(1);
    Thread first = new Thread(() -> {
      started.countDown();
      answer.set(batcher.predict(rows(1, 1), 1));
    });
    first.start();
    started.await();
    // The first request is taken (its thread leads) while the announced one is still on its way.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((batcher.queued() != 0 || first.getState() == Thread.State.RUNNABLE) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, batcher.passes(), "the pass waits for the announced request");
    assertArrayEquals(expected(rows(2, 1)), coming.predict(rows(2, 1), 1));
    coming.close();
    first.join(30_000);
    assertArrayEquals(expected(rows(1, 1)), answer.get());
    assertEquals(List.of(2), fake.passRows);
    // Nothing announced now: a lone request runs at once, not after the 20 s wait.
    var alone = new AtomicInteger();
    Thread t = new Thread(() -> {
      batcher.predict(rows(3, 1), 1);
      alone.incrementAndGet();
    });
    t.start();
    t.join(10_000);
    assertEquals(1, alone.get(), "a lone request does not wait for requests that are not coming");
  }

  /**
   * The default: a pass takes the requests queued and does not wait, even while a request is
   * announced (`millrace serve`'s --batch-wait-us defaults to the same 0).
   */
  @Test
  void byDefaultAPassDoesNotWaitForAnnouncedRequests() throws Exception {
    Duration wait = InferenceOptions.defaults().maxBatchWait();
    assertEquals(Duration.ZERO, wait);
    var fake = new Fake();
    var batcher = new Batcher(fake, 1, 64, wait);
    Batcher.Arrival coming = batcher.expect();
    var done = new AtomicInteger();
    Thread t = new Thread(() -> {
      batcher.predict(rows(1, 1), 1);
      done.incrementAndGet();
    });
    t.start();
    t.join(10_000);
    assertEquals(1, done.get(), "the pass ran without the announced request");
    assertEquals(List.of(1), fake.passRows);
    coming.close();
  }
}
