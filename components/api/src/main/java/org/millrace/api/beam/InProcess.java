package org.millrace.api.beam;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.beam.sdk.transforms.Combine;
import org.millrace.api.data.Batch;
import org.millrace.api.data.ExamplesIO;

/**
 * The embedded default's way of running a component's Beam work: when {@code beam_pipeline_args}
 * name no {@code --runner}, ExampleGen and StatisticsGen call the same {@code DoFn} and
 * {@code CombineFn} code on a pool of this JVM's threads instead of building a Beam pipeline, so
 * that a run pays neither Beam's pipeline options, its DoFn code generation nor the DirectRunner's
 * scheduling (about 3 s of a cold JVM, see ADR 0010). Naming a runner, {@code --runner=DirectRunner}
 * included, runs the Beam pipeline as before; both write the same files.
 *
 * <p>Work is cut the same way as on a runner (ranges of files, groups of part files), and results
 * are gathered in the same order, so output does not depend on which thread finished first.
 */
public final class InProcess {
  private static final String PARALLELISM = "--targetParallelism=";

  private InProcess() {}

  /** Whether a component runs in process: {@code beamArgs} name no runner (no argument starts with {@code --runner}). */
  public static boolean applies(List<String> beamArgs) {
    return beamArgs.stream().noneMatch(a -> a.regionMatches(true, 0, "--runner", 0, "--runner".length()));
  }

  /**
   * Checks {@code beamArgs} as a Beam pipeline would, when they hold more than the in-process
   * runner's own {@code --targetParallelism}: a typo in a Beam option fails the node, as it does on
   * a runner (building Beam's options costs about a second, so an empty list skips it).
   */
  public static void validate(List<String> beamArgs) {
    if (beamArgs.stream().anyMatch(a -> !a.startsWith(PARALLELISM))) {
      BeamPipelines.options(beamArgs);
    }
  }

  /**
   * Heap an in-process thread may need: a batch being parsed, the part file it writes and its
   * statistics' sketches. Ingest of a CSV twice the heap's size ran with four threads in a 64 MiB
   * heap and ran out of memory with eight (LargerThanHeapIT with 4 and 8 processors).
   */
  static final long HEAP_PER_THREAD = 24L << 20;

  /**
   * Threads: {@code --targetParallelism=N} (the DirectRunner's option) if given, else this JVM's
   * processors, at most one per {@link #HEAP_PER_THREAD} of its maximum heap (at least one): a
   * small heap on a machine of many cores would otherwise run out of memory.
   */
  public static int parallelism(List<String> beamArgs) {
    for (String a : beamArgs) {
      if (a.startsWith(PARALLELISM)) {
        String v = a.substring(PARALLELISM.length());
        try {
          int n = Integer.parseInt(v);
          if (n >= 1) {
            return n;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        throw new IllegalArgumentException("beam_pipeline_args " + PARALLELISM + " expected a positive integer, got '"
            + v + "'");
      }
    }
    return parallelism(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
  }

  /** The default parallelism for that many processors and that maximum heap (see {@link #parallelism(List)}). */
  static int parallelism(int processors, long maxHeap) {
    return (int) Math.max(1, Math.min(processors, maxHeap / HEAP_PER_THREAD));
  }

  /** A pool of daemon threads named {@code millrace-in-process}. */
  private static ExecutorService pool(int threads) {
    return Executors.newFixedThreadPool(threads, r -> {
      var t = new Thread(r, "millrace-in-process");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code tasks} on {@code threads} threads and returns their results in the tasks' order.
   * The first task to fail cancels the rest, and its own exception is thrown (a checked one as
   * is, an error as is).
   */
  public static <T> List<T> runAll(List<? extends Callable<T>> tasks, int threads) throws Exception {
    if (tasks.isEmpty()) {
      return List.of();
    }
    if (threads <= 1 || tasks.size() == 1) {
      var out = new ArrayList<T>(tasks.size());
      for (Callable<T> t : tasks) {
        out.add(t.call());
      }
      return out;
    }
    try (var running = new Tasks(Math.min(threads, tasks.size()))) {
      var futures = new ArrayList<Future<T>>(tasks.size());
      for (Callable<T> t : tasks) {
        futures.add(running.submit(t));
      }
      running.awaitAll();
      var out = new ArrayList<T>(tasks.size());
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    }
  }

  /**
   * Tasks on a pool of threads that may submit more tasks while they run (a planner handing each
   * range to a parser as it finds it). {@link #awaitAll} waits for every task, those submitted while
   * waiting included. The first task to fail stops the rest at once (queued ones never start,
   * running ones are interrupted) and {@code awaitAll} throws its exception; {@link #close} waits
   * for the threads to end, so nothing writes after the caller has moved on.
   */
  public static final class Tasks implements AutoCloseable {
    private final ExecutorService pool;
    /** Futures not yet waited for, in submission order. */
    private final java.util.Queue<Future<?>> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Every future, for cancelling them all on a failure. */
    private final java.util.Queue<Future<?>> all = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failed =
        new java.util.concurrent.atomic.AtomicReference<>();

    public Tasks(int threads) {
      this.pool = pool(Math.max(1, threads));
    }

    /** Queues a task (in submission order: a task's own submissions come after it). */
    public <T> Future<T> submit(Callable<T> task) {
      Future<T> f = pool.submit(() -> {
        try {
          return task.call();
        } catch (Throwable t) {
          if (failed.compareAndSet(null, t)) {
            all.forEach(other -> other.cancel(true));
            pool.shutdownNow();
          }
          throw t;
        }
      });
      all.add(f);
      if (failed.get() != null) {
        f.cancel(true); // submitted while a failure was stopping the others
      }
      pending.add(f);
      return f;
    }

    /** Waits for every task submitted, before or during the wait; throws the first failure. */
    public void awaitAll() throws Exception {
      Future<?> f;
      // FIFO: a task's future precedes those it submits, so once it is done they are all queued.
      while (failed.get() == null && (f = pending.poll()) != null) {
        try {
          f.get();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
          break; // the failure that stopped the tasks is thrown below
        }
      }
      Throwable t = failed.get();
      if (t instanceof Exception e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }

    @Override
    public void close() throws InterruptedException {
      pool.shutdownNow();
      if (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
        throw new IllegalStateException("in-process tasks still running a minute after they were stopped");
      }
    }
  }

  /**
   * What {@link ExamplesBeamIO#combine(Combine.CombineFn)} computes for each split directory, in
   * process: each split's part files dealt into the same groups, each group read into one
   * accumulator ({@code createAccumulator}, then {@code addInput} per batch), the accumulators
   * merged in group order and the output extracted. All splits' groups share the pool.
   */
  public static <AccT, OutT> Map<String, OutT> combine(Map<String, Path> splitDirs,
      Function<String, Combine.CombineFn<Batch, AccT, OutT>> fns, int threads) throws Exception {
    var tasks = new ArrayList<Callable<AccT>>();
    var owners = new ArrayList<String>();
    var combineFns = new LinkedHashMap<String, Combine.CombineFn<Batch, AccT, OutT>>();
    for (var e : splitDirs.entrySet()) {
      Combine.CombineFn<Batch, AccT, OutT> fn = fns.apply(e.getKey());
      combineFns.put(e.getKey(), fn);
      List<String> files = ExamplesIO.parts(e.getValue()).stream().map(Path::toString).toList();
      for (List<String> group : ExamplesBeamIO.groups(files, ExamplesBeamIO.DEFAULT_GROUPS)) {
        owners.add(e.getKey());
        tasks.add(() -> {
          @SuppressWarnings("unchecked")
          AccT[] acc = (AccT[]) new Object[] {fn.createAccumulator()};
          for (String file : group) {
            ExamplesIO.forEachBatch(Path.of(file), b -> acc[0] = fn.addInput(acc[0], b));
          }
          return acc[0];
        });
      }
    }
    List<AccT> partials = runAll(tasks, threads);
    var out = new LinkedHashMap<String, OutT>();
    for (var e : combineFns.entrySet()) {
      var mine = new ArrayList<AccT>();
      for (int i = 0; i < partials.size(); i++) {
        if (owners.get(i).equals(e.getKey())) {
          mine.add(partials.get(i));
        }
      }
      Combine.CombineFn<Batch, AccT, OutT> fn = e.getValue();
      // As MergeAccumulatorsFn on a runner: from an empty accumulator, one partial at a time.
      AccT merged = fn.createAccumulator();
      for (AccT partial : mine) {
        merged = fn.mergeAccumulators(List.of(merged, partial));
      }
      out.put(e.getKey(), fn.extractOutput(merged));
    }
    return out;
  }
}
