package org.millrace.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Adaptive request batching in front of an {@link Inference}: the rows of concurrent requests for
 * one model version are run in one forward pass, and each request gets its own rows' outputs back.
 *
 * <p>There is no batching thread. A request queues its rows and, while they are not done, tries to
 * become a leader (at most {@code parallelism} at once, one per network copy): a leader takes the
 * queued requests in arrival order, up to {@code maxBatchRows} rows, runs them in one pass and hands
 * each its outputs. So under light load a request runs its own pass at once, on its own thread;
 * under load the requests that queued while the passes ran go together in the next one. A leader
 * waits for more rows (up to {@code maxWait}) only while requests for this version are on their
 * way ({@linkplain #expect announced} by the server before it reads their bodies, not queued yet),
 * so a lone client never waits. A request with more rows than {@code maxBatchRows} runs alone.
 *
 * <p>When a batch's pass fails (a row the model cannot take), each request of it is run alone, so
 * a bad row fails only its own request.
 */
public final class Batcher implements Inference {
  private final Inference delegate;
  private final int maxBatchRows;
  private final long maxWaitNanos;
  private final Semaphore leaders;
  private final LinkedBlockingDeque<Call> queue = new LinkedBlockingDeque<>();
  /** Requests announced (their version chosen) but not queued yet. */
  private final AtomicInteger inbound = new AtomicInteger();
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong batchedPasses = new AtomicLong();
  private final AtomicLong batchedRequests = new AtomicLong();
  /** Runs before each forward pass with its number of requests, on the leader: a seam where tests hold a pass. */
  volatile java.util.function.IntConsumer beforePass = n -> { };
  /** Told each forward pass's number of rows (the batch size), for the server's metrics. */
  private volatile java.util.function.IntConsumer passRows = n -> { };

  /** A request's rows, and where its outputs or its error go. */
  private static final class Call {
    final float[] features;
    final int rows;
    final Thread waiter;
    float[] out;
    Throwable error;
    /** Taken by a leader: its thread then only waits for {@link #done}. */
    volatile boolean taken;
    volatile boolean done;

    Call(float[] features, int rows, Thread waiter) {
      this.features = features;
      this.rows = rows;
      this.waiter = waiter;
    }
  }

  /**
   * Batches calls to {@code delegate}, which runs up to {@code parallelism} passes at once, in
   * passes of up to {@code maxBatchRows} rows.
   */
  public Batcher(Inference delegate, int parallelism, int maxBatchRows, Duration maxWait) {
    if (parallelism < 1 || maxBatchRows < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException("parallelism and max batch rows expected >= 1 and max wait >= 0, got "
          + parallelism + ", " + maxBatchRows + ", " + maxWait);
    }
    this.delegate = delegate;
    this.maxBatchRows = maxBatchRows;
    this.maxWaitNanos = maxWait.toNanos();
    this.leaders = new Semaphore(parallelism);
  }

  /**
   * Announces a request that will call {@link Arrival#predict} (once its body is read and parsed):
   * leaders wait a little for it. Close the arrival when the request is done, whether it predicted
   * or failed before.
   */
  public Arrival expect() {
    inbound.incrementAndGet();
    return new Arrival();
  }

  /** An announced request; see {@link #expect}. */
  public final class Arrival implements Inference, AutoCloseable {
    private boolean pending = true;

    @Override
    public float[] predict(float[] features, int rows) {
      boolean announced = pending;
      pending = false;
      return run(features, rows, announced);
    }

    @Override
    public void close() {
      if (pending) {
        pending = false;
        inbound.decrementAndGet();
      }
    }
  }

  @Override
  public float[] predict(float[] features, int rows) {
    return run(features, rows, false);
  }

  /** Forward passes run so far. */
  public long passes() {
    return passes.get();
  }

  /** Forward passes that ran more than one request. */
  public long batchedPasses() {
    return batchedPasses.get();
  }

  /** Requests that ran in a forward pass with others. */
  public long batchedRequests() {
    return batchedRequests.get();
  }

  /** Has {@code observer} told the number of rows of each forward pass from now on (replacing the last one). */
  public void observePasses(java.util.function.IntConsumer observer) {
    passRows = observer;
  }

  /** Requests queued, not yet taken by a leader. */
  public int queued() {
    return queue.size();
  }

  private float[] run(float[] features, int rows, boolean announced) {
    Call call = new Call(features, rows, Thread.currentThread());
    queue.addLast(call);
    if (announced) {
      // After queueing: a leader that still sees this request on its way finds it queued at once.
      inbound.decrementAndGet();
    }
    while (!call.done) {
      if (!call.taken && leaders.tryAcquire()) {
        try {
          lead();
        } finally {
          leaders.release();
          wakeNext();
        }
      } else if (call.taken) {
        // Its leader unparks it when done.
        LockSupport.park(this);
      } else {
        // A leader hands over (wakes the first queued request's thread) when it ends; the timeout is a backstop.
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
    if (call.error instanceof RuntimeException e) {
      throw e;
    }
    if (call.error instanceof Error e) {
      throw e;
    }
    return call.out;
  }

  /** After a leader ends: the thread of the first queued request tries to lead next. */
  private void wakeNext() {
    Call next = queue.peekFirst();
    if (next != null && next.waiter != Thread.currentThread()) {
      LockSupport.unpark(next.waiter);
    }
  }

  /** Takes a batch off the queue and runs it. */
  private void lead() {
    Call first = queue.pollFirst();
    if (first == null) {
      return;
    }
    first.taken = true;
    List<Call> batch = new ArrayList<>();
    batch.add(first);
    int rows = first.rows;
    long deadline = System.nanoTime() + maxWaitNanos;
    while (rows < maxBatchRows) {
      Call next = queue.pollFirst();
      if (next == null && maxWaitNanos > 0 && inbound.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          try {
            next = queue.pollFirst(left, TimeUnit.NANOSECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      if (next == null) {
        break;
      }
      if (rows + next.rows > maxBatchRows) {
        queue.offerFirst(next);
        break;
      }
      next.taken = true;
      batch.add(next);
      rows += next.rows;
    }
    try {
      execute(batch, rows);
    } catch (Throwable e) {
      // Never leave a taken request waiting (its thread parks until it is done).
      for (Call c : batch) {
        if (!c.done) {
          c.error = e;
          complete(c);
        }
      }
      throw e;
    }
  }

  private void execute(List<Call> batch, int rows) {
    beforePass.accept(batch.size());
    passes.incrementAndGet();
    passRows.accept(rows);
    if (batch.size() == 1) {
      Call c = batch.get(0);
      try {
        c.out = delegate.predict(c.features, c.rows);
      } catch (Throwable e) {
        c.error = e;
      }
      complete(c);
      return;
    }
    batchedPasses.incrementAndGet();
    batchedRequests.addAndGet(batch.size());
    int dim = batch.get(0).features.length / Math.max(1, batch.get(0).rows);
    float[] features = new float[rows * dim];
    int at = 0;
    for (Call c : batch) {
      System.arraycopy(c.features, 0, features, at, c.rows * dim);
      at += c.rows * dim;
    }
    float[] out;
    try {
      out = delegate.predict(features, rows);
    } catch (RuntimeException e) {
      // One request's row may be what the model cannot take: run each alone, so only that one fails.
      for (Call c : batch) {
        try {
          c.out = delegate.predict(c.features, c.rows);
        } catch (Throwable each) {
          c.error = each;
        }
        complete(c);
      }
      return;
    } catch (Error e) {
      for (Call c : batch) {
        c.error = e;
        complete(c);
      }
      return;
    }
    int width = out.length / rows;
    int from = 0;
    for (Call c : batch) {
      c.out = java.util.Arrays.copyOfRange(out, from * width, (from + c.rows) * width);
      from += c.rows;
      complete(c);
    }
  }

  private static void complete(Call c) {
    c.done = true;
    if (c.waiter != Thread.currentThread()) {
      LockSupport.unpark(c.waiter);
    }
  }
}
