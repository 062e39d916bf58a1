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

  /** Whether a component runs in process: {@code beamArgs} name no runner. */
  public static boolean applies(List<String> beamArgs) {
    return beamArgs.stream().noneMatch(a -> a.startsWith("--runner="));
  }

  /** Threads: {@code --targetParallelism=N} (the DirectRunner's option) if given, else this JVM's processors. */
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
    return Runtime.getRuntime().availableProcessors();
  }

  /** A pool of daemon threads named {@code millrace-in-process}. */
  private static ExecutorService pool(int threads) {
    return Executors.newFixedThreadPool(threads, r -> {
      var t = new Thread(r, "millrace-in-process");
      t.setDaemon(true);
      return t;
    });
  }

  /** A failed task's own exception (an error is thrown as is). */
  private static Exception failure(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof Error err) {
      throw err;
    }
    return cause instanceof Exception ex ? ex : e;
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
    ExecutorService pool = pool(Math.min(threads, tasks.size()));
    try {
      var futures = new ArrayList<Future<T>>(tasks.size());
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      var out = new ArrayList<T>(tasks.size());
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          throw failure(e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Tasks on a pool of threads that may submit more tasks while they run (a planner handing each
   * range to a parser as it finds it): {@link #awaitAll} waits for every task, those submitted
   * while waiting included; the first to fail cancels the rest and its exception is thrown.
   */
  public static final class Tasks implements AutoCloseable {
    private final ExecutorService pool;
    private final java.util.Queue<Future<?>> futures = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public Tasks(int threads) {
      this.pool = pool(Math.max(1, threads));
    }

    /** Queues a task (in submission order: a task's own submissions come after it). */
    public void submit(Callable<?> task) {
      futures.add(pool.submit(task));
    }

    /** Waits for every task submitted, before or during the wait. */
    public void awaitAll() throws Exception {
      Future<?> f;
      // FIFO: a task's future precedes those it submits, so once it is done they are all queued.
      while ((f = futures.poll()) != null) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          throw failure(e);
        }
      }
    }

    @Override
    public void close() {
      pool.shutdownNow();
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
