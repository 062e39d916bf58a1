package org.millrace.trainer.backend;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run the Java backend's parallel loops: the calling thread and {@code helpers}
 * more, which take contiguous chunks of a loop from a shared counter. Between loops a helper spins
 * for {@link #SPIN_NANOS} before it parks, so the next loop of a training step (a few
 * microseconds later) starts without waking it: a fork-join pool's wake-up cost more than a small
 * product took. One loop runs at a time; a loop started while another runs (two threads sharing
 * a backend, or a loop inside a loop) runs on its calling thread alone. Which thread takes which
 * chunk does not change any result: chunks write disjoint values.
 */
final class Team {
  /** How long an idle helper spins before it parks: bounded, so an idle backend costs no CPU. */
  static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  /** One parallel loop: chunks of [0, m) claimed from {@code next}, counted in {@code done}. */
  private static final class Loop {
    final MatMul.RowBlock body;
    final int m;
    final int per;
    final int chunks;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable failure;

    Loop(MatMul.RowBlock body, int m, int chunks) {
      this.body = body;
      this.m = m;
      this.chunks = chunks;
      this.per = (m + chunks - 1) / chunks;
    }

    /** Takes chunks until none is left. */
    void work() {
      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
        try {
          int from = c * per;
          int to = Math.min(m, from + per);
          if (from < to) {
            body.run(from, to);
          }
        } catch (Throwable t) {
          failure = t;
        } finally {
          done.incrementAndGet();
        }
      }
    }
  }

  private final Thread[] helpers;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile Loop current;
  private volatile boolean closed;

  Team(int helpers, String name) {
    this.helpers = new Thread[helpers];
    for (int i = 0; i < helpers; i++) {
      Thread t = new Thread(this::help, name + "-" + (i + 1));
      t.setDaemon(true);
      this.helpers[i] = t;
      t.start();
    }
  }

  /** Runs {@code body} over [0, m) in {@code chunks} contiguous chunks on the calling thread and the helpers. */
  void run(int m, int chunks, MatMul.RowBlock body) {
    if (closed || !busy.compareAndSet(false, true)) {
      body.run(0, m);
      return;
    }
    try {
      Loop loop = new Loop(body, m, chunks);
      current = loop;
      for (Thread t : helpers) {
        LockSupport.unpark(t);
      }
      loop.work();
      int spins = 0;
      while (loop.done.get() < chunks) {
        if (++spins < 1 << 16) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
      current = null;
      Throwable failure = loop.failure;
      if (failure instanceof RuntimeException e) {
        throw e;
      } else if (failure instanceof Error e) {
        throw e;
      } else if (failure != null) {
        throw new IllegalStateException(failure);
      }
    } finally {
      busy.set(false);
    }
  }

  private void help() {
    Loop seen = null;
    long idleSince = System.nanoTime();
    while (!closed) {
      Loop loop = current;
      if (loop != null && loop != seen) {
        seen = loop;
        loop.work();
        idleSince = System.nanoTime();
      } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
        idleSince = System.nanoTime();
      }
    }
  }

  /** Stops the helpers (each finishes the chunk it runs). */
  void close() {
    closed = true;
    for (Thread t : helpers) {
      LockSupport.unpark(t);
    }
  }
}
