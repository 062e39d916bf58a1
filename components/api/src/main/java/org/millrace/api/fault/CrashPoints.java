package org.millrace.api.fault;

/**
 * Named crash points, for tests only: with {@code MILLRACE_CRASH_POINT=<name>} in the environment
 * the process prints {@code MILLRACE_CRASH_POINT <name> reached} to stderr when it gets to the point
 * named {@code <name>} and then blocks there, so that a test can {@code kill -9} it at exactly that
 * point. {@code MILLRACE_CRASH_POINT=<name>=oom} throws an {@link OutOfMemoryError} there instead,
 * and {@code <name>=soe} a real {@link StackOverflowError} (by unbounded recursion).
 *
 * <p>Without the variable (every production use) {@link #hit} returns at once. Points in use:
 * {@code node-start:<node>} (a node's executor is about to run), {@code node-renamed:<node>} (its
 * outputs were renamed to their final directories, the metadata commit has not happened),
 * {@code examplegen-parts} (ExampleGen has written part of its output), {@code trainer-epoch}
 * (the Trainer finished an epoch, more to come), {@code pusher-renamed} (a registry version
 * directory was renamed into place, the registry index not yet written), {@code gc-marked} (gc
 * marked an artifact, its files are not yet deleted), {@code gc-deleted} (gc deleted an
 * artifact's files, the store still says marked), {@code schedule-fire} (the scheduler claimed
 * a fire and has not started its run).
 */
public final class CrashPoints {
  /** The environment variable naming the point. */
  public static final String ENV = "MILLRACE_CRASH_POINT";

  private static final String CONFIGURED = System.getenv(ENV);

  private CrashPoints() {}

  /** Stops (or throws) here when {@code MILLRACE_CRASH_POINT} names {@code point}; otherwise returns. */
  public static void hit(String point) {
    if (CONFIGURED == null || CONFIGURED.isEmpty()) {
      return;
    }
    if (CONFIGURED.equals(point + "=oom")) {
      throw new OutOfMemoryError("Java heap space (injected at " + ENV + " " + point + ")");
    }
    if (CONFIGURED.equals(point + "=soe")) {
      recurse(0);
    }
    if (CONFIGURED.equals(point)) {
      System.err.println(ENV + " " + point + " reached");
      System.err.flush();
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          // Keep blocking: only kill -9 ends this process.
        }
      }
    }
  }

  private static long recurse(long depth) {
    return recurse(depth + 1) + 1;
  }
}
