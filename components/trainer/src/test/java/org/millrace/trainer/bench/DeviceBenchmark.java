package org.millrace.trainer.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.component.Backends;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.backend.opencl.OpenCLBackend;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.nn.Conv2D;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Flatten;
import org.millrace.trainer.nn.MaxPool2D;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/**
 * The device benchmark of the trainer (benchmarks/trainer-gpu/run.sh): sgemm GFLOP/s at the given
 * sizes and MLP training samples/s for 784-512-512-10 b1024, 784-2048-2048-10 b4096 and
 * 784-256-256-10 b128 (Adam, random data), on the backend named by -Dbackend (auto, java, opencl,
 * opencl_gpu, opencl_cpu), the CIFAR-shape CNN of the seeds (batch 64), the cost of one launch, the
 * copy rate and each product kernel's time on the MLPs' product shapes, with a per-operation profile
 * of one MLP's steps (per operation and shape with -DbyShape=true: its int and boolean arguments).
 * Same output format as torch_device_bench.py.
 */
public final class DeviceBenchmark {
  private DeviceBenchmark() {}

  /**
   * Warm-up steps (and products) before the timed ones: -Dwarmup, 3 by default (enough for a
   * device); the Java backend needs more, until the JIT has compiled its vector loops.
   */
  private static final int WARMUP = Integer.getInteger("warmup", 3);

  /** -DbyShape=true: the profile per operation and shape (its int and boolean arguments). */
  private static final boolean BY_SHAPE = Boolean.getBoolean("byShape");

  /**
   * Runs the parts named by -Dparts (comma-separated; run.sh starts one JVM per part, since Aparapi
   * marks a device failed for the rest of a JVM after one failed launch): {@code sgemm}, {@code
   * apart} (one-thread products on every thread at once, each on its own data: the ceiling for
   * {@code sgemm} at that thread count), {@code launch} (launch cost and copy rate), {@code table}
   * (each product kernel on the MLPs' shapes),
   * {@code mlp512}, {@code mlp2048}, {@code mlp256}, {@code cnn}, {@code arena:FLOATS} (an arena of
   * that many floats filled and read back: the largest device buffer this machine gives).
   * -Dthreads sets the Java backend's threads (all cores by default); benchmarks/trainer/run.sh
   * runs the Java backend this way beside PyTorch on the CPU.
   */
  public static void main(String[] args) throws Exception {
    String choice = System.getProperty("backend", "opencl_gpu");
    int steps = Integer.parseInt(System.getProperty("steps", "50"));
    String[] sizes = args.length > 0 ? args[0].split(",") : new String[] {"1024", "2048", "4096"};
    for (String part : System.getProperty("parts", "sgemm,launch,table,mlp512,mlp2048,mlp256,cnn").split(",")) {
      if (part.startsWith("arena:")) {
        arena(choice, Long.parseLong(part.substring("arena:".length())));
        continue;
      }
      var selected = Backends.open(org.millrace.trainer.component.BackendChoice.parse(choice, "backend"), Integer.getInteger("threads", Runtime.getRuntime().availableProcessors()));
      try {
        run(part, selected, sizes, steps);
      } finally {
        selected.backend().close();
      }
    }
  }

  private static void run(String part, Backends.Selected selected, String[] sizes, int steps) throws Exception {
    var times = new TreeMap<String, long[]>();
    Backend backend = profiled(selected.backend(), times);
    OpenCLBackend device = selected.backend() instanceof OpenCLBackend cl ? cl : null;
    System.out.println("device: " + selected.backend().description() + " (" + selected.reason() + ")");
    switch (part) {
      case "sgemm" -> {
        for (String a : sizes) {
          if (device == null) {
            sgemm(backend, Integer.parseInt(a), "");
            continue;
          }
          // The automatic choice (which the networks use), then each kernel, at every size.
          for (OpenCLBackend.GemmVariant v : OpenCLBackend.GemmVariant.values()) {
            device.gemmVariant(v);
            sgemm(backend, Integer.parseInt(a), " (" + v.name().toLowerCase(java.util.Locale.ROOT) + " kernel)");
          }
          device.gemmVariant(OpenCLBackend.GemmVariant.AUTO);
        }
      }
      case "launch" -> launchAndCopy(device);
      case "peak" -> peak(Integer.getInteger("threads", Runtime.getRuntime().availableProcessors()));
      case "apart" -> {
        for (String a : sizes) {
          sgemmApart(Integer.parseInt(a), Integer.getInteger("threads", Runtime.getRuntime().availableProcessors()));
        }
      }
      case "table" -> productTable(device);
      case "mlp512", "mlp2048", "mlp256" -> {
        int hidden = Integer.parseInt(part.substring(3));
        int batch = hidden == 512 ? 1024 : hidden == 2048 ? 4096 : 128;
        Map<String, long[]> calls = train(backend, Network.dense(784, List.of(new Dense(hidden, Activation.RELU),
            new Dense(hidden, Activation.RELU), new Dense(10, Activation.LINEAR))),
            "mlp 784-" + hidden + "-" + hidden + "-10 b" + batch, batch, steps, times, device);
        if (device != null) {
          System.out.println("  kernels chosen by measurement (shape: kernel, us of small/wide/big):");
          device.productTable().forEach((shape, c) -> System.out.printf("    %s %s %5d %5d %5d: %s  %s%n",
              shape.transA() ? "T" : "N", shape.transB() ? "T" : "N", shape.rows(), shape.cols(), shape.depth(),
              c.variant().name().toLowerCase(java.util.Locale.ROOT), c.nanos().values().stream()
                  .map(t -> String.format("%.1f", t / 1e3)).collect(java.util.stream.Collectors.joining("/"))));
        }
        printProfile(calls);
      }
      // The CIFAR-10 CNN of TensorFlow's tutorial (the seeds' image example): 32x32x3, batch 64.
      case "cnn" -> printProfile(train(backend, new Network(new int[] {32, 32, 3}, List.of(
          new Conv2D(32, 3, 3, 1, "valid", Activation.RELU), new MaxPool2D(2, 2, 2),
          new Conv2D(64, 3, 3, 1, "valid", Activation.RELU), new MaxPool2D(2, 2, 2),
          new Conv2D(64, 3, 3, 1, "valid", Activation.RELU), new Flatten(), new Dense(64, Activation.RELU),
          new Dense(10, Activation.LINEAR))), "cnn cifar 32x32x3 conv32-64-64 dense64 b64", 64, steps, times, device));
      default -> throw new IllegalArgumentException("part expected one of sgemm, apart, launch, table, mlp512, mlp2048,"
          + " mlp256, cnn, arena:FLOATS, got " + part);
    }
  }

  private static void printProfile(Map<String, long[]> calls) {
    System.out.println("  profile of these steps (share of backend time, calls):");
    long total = calls.values().stream().mapToLong(t -> t[0]).sum();
    calls.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
        System.out.printf("    %-20s %5.1f%%  %8d calls  %8.1f us/call%n", e.getKey(),
            100.0 * e.getValue()[0] / total, e.getValue()[1], e.getValue()[0] / 1e3 / e.getValue()[1]));
  }

  /**
   * The FMA peak this machine reaches from Java: {@code threads} threads each running 16
   * independent vector fused multiply-adds on registers (no memory traffic), the ceiling the
   * products are measured against (the clock a VM reports is not the one the cores run at). Each
   * accumulator is the addend, {@code c = a * b + c}, as in the products' kernels (one
   * instruction, {@code vfmadd231ps}), and the loop counts with an int, which C2 unrolls. Until
   * 2026-12-07 the loop counted with a long and each accumulator was the multiplicand, {@code c =
   * c * a + b}, which C2 compiles with a register copy before each multiply-add (a {@code
   * vmovdqu64} of b, disassembled); on Intel's cores the copies and the counter's instructions
   * share the vector ports. On an Intel Xeon (Ice Lake, 2.8 GHz: 179 GFLOP/s a core with both of
   * its 16-lane FMA units busy) that loop measured 100-126 GFLOP/s at one thread in runs Z-AD of
   * benchmarks/RESULTS.md, and in one JVM, in turn, the long counter
   * alone 135-147, the multiplicand alone 116-147, this loop 170-178 (RESULTS.md, "The FMA peak,
   * measured again").
   */
  static void peak(int threads) throws InterruptedException {
    int iterations = 20_000_000;
    fmaLoop(200_000); // compiled before it is timed
    double best = 0;
    for (int round = 0; round < 3; round++) {
      var pool = new Thread[threads];
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        pool[t] = new Thread(() -> fmaLoop(iterations));
        pool[t].start();
      }
      for (Thread t : pool) {
        t.join();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, 2.0 * SPECIES.length() * 16 * iterations * threads / s / 1e9);
    }
    System.out.printf("millrace fma peak: %.1f GFLOP/s (%d threads, %d-lane vectors, registers only)%n", best,
        threads, SPECIES.length());
  }

  private static final jdk.incubator.vector.VectorSpecies<Float> SPECIES =
      jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
  private static volatile float sink;

  /** {@code iterations} rounds of 16 independent vector FMAs. */
  private static void fmaLoop(int iterations) {
    var a = jdk.incubator.vector.FloatVector.broadcast(SPECIES, 1.0000001f);
    var b = jdk.incubator.vector.FloatVector.broadcast(SPECIES, -1e-7f);
    var c0 = a;
    var c1 = b;
    var c2 = a;
    var c3 = b;
    var c4 = a;
    var c5 = b;
    var c6 = a;
    var c7 = b;
    var c8 = a;
    var c9 = b;
    var c10 = a;
    var c11 = b;
    var c12 = a;
    var c13 = b;
    var c14 = a;
    var c15 = b;
    for (int i = 0; i < iterations; i++) {
      c0 = a.fma(b, c0);
      c1 = a.fma(b, c1);
      c2 = a.fma(b, c2);
      c3 = a.fma(b, c3);
      c4 = a.fma(b, c4);
      c5 = a.fma(b, c5);
      c6 = a.fma(b, c6);
      c7 = a.fma(b, c7);
      c8 = a.fma(b, c8);
      c9 = a.fma(b, c9);
      c10 = a.fma(b, c10);
      c11 = a.fma(b, c11);
      c12 = a.fma(b, c12);
      c13 = a.fma(b, c13);
      c14 = a.fma(b, c14);
      c15 = a.fma(b, c15);
    }
    sink = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).add(c12)
        .add(c13).add(c14).add(c15).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  /** Opens an OpenCL backend whose arena starts at {@code floats} values, fills it on the device and reads it back. */
  static void arena(String choice, long floats) {
    var found = OpenCLBackend.devices().stream().filter(f -> !choice.equals("opencl_gpu") || f.gpu()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no OpenCL device for " + choice));
    System.out.printf("arena of %d floats (%.0f MB) on %s: max alloc %.0f MB, global %.0f MB%n", floats, floats * 4e-6,
        found, found.device().getMaxMemAllocSize() * 1e-6, found.device().getGlobalMemSize() * 1e-6);
    try (var b = new OpenCLBackend(found, (int) floats, 1 << 16)) {
      Tensor all = b.allocate((int) floats - 64);
      b.fill(all, 2f, all.size());
      float[] last = new float[1];
      b.download(all, all.size() - 1, last, 0, 1);
      System.out.println("  arena ok: last value " + last[0]);
    } catch (RuntimeException e) {
      System.out.println("  arena FAILED: " + e.getMessage());
    }
  }

  /** Times every backend call (Aparapi launches are synchronous, so host time is device time plus launch cost). */
  static Backend profiled(Backend b, Map<String, long[]> times) {
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
        (proxy, method, args) -> {
          long t0 = System.nanoTime();
          try {
            return method.invoke(b, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            synchronized (times) {
              String key = method.getName();
              if (BY_SHAPE && args != null) {
                StringBuilder sb = new StringBuilder(key);
                for (Object o : args) {
                  if (o instanceof Integer || o instanceof Boolean) {
                    sb.append(' ').append(o instanceof Boolean x ? (x ? "T" : "N") : o);
                  }
                }
                key = sb.toString();
              }
              long[] t = times.computeIfAbsent(key, k -> new long[2]);
              t[0] += System.nanoTime() - t0;
              t[1]++;
            }
          }
        });
  }

  static void sgemm(Backend b, int n, String variant) throws Exception {
    System.out.printf("millrace sgemm %d: %.1f GFLOP/s%s%n", n, productRate(b, n, null), variant);
  }

  /**
   * The work each timed sgemm figure takes, in FLOP: -DtimedFlop, 4e10 by default (as
   * torch_device_bench.py's fifth argument).
   */
  private static final double TIMED_FLOP = Double.parseDouble(System.getProperty("timedFlop", "4e10"));

  /**
   * GFLOP/s of n x n products on {@code b}: after the warm-up products, as many as take {@link
   * #TIMED_FLOP} (2 to 200), timed from {@code start} (when given: every thread's clock starts together).
   */
  private static double productRate(Backend b, int n, java.util.concurrent.CyclicBarrier start) throws Exception {
    float[] a = new float[n * n];
    var rnd = new java.util.SplittableRandom(1);
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextDouble();
    }
    Tensor ta = b.allocate(n * n);
    Tensor tb = b.allocate(n * n);
    Tensor tc = b.allocate(n * n);
    b.upload(a, ta);
    b.upload(a, tb);
    for (int i = 0; i < WARMUP; i++) {
      b.gemm(false, false, n, n, n, ta, tb, tc, false);
    }
    int reps = Math.max(2, (int) Math.min(200, TIMED_FLOP / (2.0 * n * n * n)));
    if (start != null) {
      start.await();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      b.gemm(false, false, n, n, n, ta, tb, tc, false);
    }
    b.download(tc, 0, new float[1], 0, 1);
    return 2.0 * n * n * n * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
  }

  /**
   * What {@code threads} one-thread products reach at once, each on its own data, Java backend and
   * thread (nothing shared, nothing to split): the ceiling the machine's caches and memory set for
   * this kernel at that thread count, beside which the threads of one product are measured. The
   * same repetitions as {@link #sgemm}, each thread timed from a common start to its own end.
   */
  static void sgemmApart(int n, int threads) throws Exception {
    var start = new java.util.concurrent.CyclicBarrier(threads);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      var results = new java.util.ArrayList<java.util.concurrent.Future<Double>>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          try (Backend b = new org.millrace.trainer.backend.JavaBackend(1)) {
            return productRate(b, n, start);
          }
        }));
      }
      double total = 0;
      for (var r : results) {
        total += r.get();
      }
      System.out.printf("millrace sgemm %d apart: %.1f GFLOP/s (%d one-thread products at once)%n", n, total, threads);
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The cost of one launch (a one-value fill, timed over 2000) and the copy rate of 64 MB each way
   * through the backend's staging buffers (what a training step's transfers go through).
   */
  static void launchAndCopy(OpenCLBackend b) {
    Tensor t = b.allocate(1 << 24);
    System.out.printf("launch and copy on %s%n", b.description());
    for (int i = 0; i < 200; i++) {
      b.fill(t, 1f, 1);
    }
    b.download(t, 0, new float[1], 0, 1);
    long t0 = System.nanoTime();
    for (int i = 0; i < 2000; i++) {
      b.fill(t, 1f, 1);
    }
    b.download(t, 0, new float[1], 0, 1);
    System.out.printf("millrace launch: %.1f us per launch (2000 one-value fills, synchronous)%n",
        (System.nanoTime() - t0) / 1e3 / 2000);
    float[] host = new float[1 << 24];
    b.upload(host, t);
    b.download(t, 0, host, 0, host.length);
    long u0 = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      b.upload(host, t);
    }
    double up = (System.nanoTime() - u0) / 1e9;
    long d0 = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      b.download(t, 0, host, 0, host.length);
    }
    double down = (System.nanoTime() - d0) / 1e9;
    System.out.printf("millrace copy 64 MB: host->device %.2f GB/s, device->host %.2f GB/s%n",
        5 * 4.0 * host.length / up / 1e9, 5 * 4.0 * host.length / down / 1e9);
  }

  /**
   * Microseconds of each product kernel on the products of the benchmark's MLPs (forward, weight
   * gradient, input gradient of each layer): the measurements a per-shape choice rests on.
   */
  static void productTable(OpenCLBackend b) {
    System.out.println("product kernels by shape (us per product; transA transB m n k):");
    var shapes = new java.util.LinkedHashSet<List<Integer>>();
    for (int[] mlp : List.of(new int[] {512, 1024}, new int[] {2048, 4096}, new int[] {256, 128})) {
      int[] widths = {784, mlp[0], mlp[0], 10};
      for (int l = 0; l + 1 < widths.length; l++) {
        int in = widths[l];
        int out = widths[l + 1];
        shapes.add(List.of(0, 0, mlp[1], out, in));
        shapes.add(List.of(1, 0, in, out, mlp[1]));
        shapes.add(List.of(0, 1, mlp[1], in, out));
      }
    }
    for (List<Integer> s : shapes) {
      int m = s.get(2);
      int n = s.get(3);
      int kk = s.get(4);
      Tensor ta = b.allocate(m * kk);
      Tensor tb = b.allocate(kk * n);
      Tensor tc = b.allocate(m * n);
      var line = new StringBuilder(String.format("  %d %d %5d %5d %5d:", s.get(0), s.get(1), m, n, kk));
      for (OpenCLBackend.GemmVariant v : OpenCLBackend.GemmVariant.values()) {
        b.gemmVariant(v);
        b.gemm(s.get(0) == 1, s.get(1) == 1, m, n, kk, ta, tb, tc, false);
        int reps = (int) Math.max(3, Math.min(200, 2e9 / (2.0 * m * n * kk)));
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          b.gemm(s.get(0) == 1, s.get(1) == 1, m, n, kk, ta, tb, tc, false);
        }
        double us = (System.nanoTime() - t0) / 1e3 / reps;
        line.append(String.format("  %s %.1f", v.name().toLowerCase(java.util.Locale.ROOT), us));
      }
      System.out.println(line);
    }
    b.gemmVariant(OpenCLBackend.GemmVariant.AUTO);
  }

  /**
   * Trains a network on random data and returns the backend calls of its timed steps (from {@code
   * times}, which the proxy fills). One run of {@code -Dwarmup} (at least 1) plus {@code steps}
   * steps, timed from the end of the last warm-up step to the end of the last step: the steps
   * alone, as the peer times its own (torch_device_bench.py: warm-up steps, then the timed ones over
   * batches in host memory). Timed as a second run after a first for the warm-up (before
   * 2026-12-06 20:10 UTC), the figure also counted the run's set-up, its evaluation of one row at
   * the end, and the first steps after the warm-up run's evaluation, which ran at half speed while
   * the JIT compiled again the product code that evaluating one row had deoptimized.
   */
  static Map<String, long[]> train(Backend b, Network network, String label, int batch, int steps,
      Map<String, long[]> times, OpenCLBackend device) throws Exception {
    int warmup = Math.max(1, WARMUP);
    int rows = batch * (warmup + steps);
    int dim = network.inputSize();
    var rnd = new java.util.SplittableRandom(2);
    float[] x = new float[Math.multiplyExact(rows, dim)];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = rnd.nextInt(10);
    }
    var data = new DenseData(x, y, rows, dim);
    var eval = new DenseData(new float[dim], new float[1], 1, dim);
    var net = network.build(b, batch);
    net.initialize(0);
    var opt = new Optimizer(Optimizer.Kind.ADAM, 1e-3, 0, false, 0, 0.9, 0.999, 1e-7, null);
    long[] stepEnds = new long[warmup + steps];
    // The device's launches and staged floats at the end of the warm-up and of the last step.
    long[] counters = new long[4];
    var calls = new TreeMap<String, long[]>();
    int[] done = {0};
    var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, eval, Training.Options.of(1, batch, 0)
        .afterStep(step -> {
          stepEnds[done[0]++] = System.nanoTime();
          if (done[0] == warmup) {
            // The profile and the device's counters cover the timed steps only.
            synchronized (times) {
              times.clear();
            }
            counters[0] = device == null ? 0 : device.launches();
            counters[1] = device == null ? 0 : device.stagedFloats();
          } else if (done[0] == warmup + steps) {
            counters[2] = device == null ? 0 : device.launches();
            counters[3] = device == null ? 0 : device.stagedFloats();
            synchronized (times) {
              times.forEach((k, v) -> calls.put(k, v.clone()));
            }
          }
        }));
    double s = (stepEnds[warmup + steps - 1] - stepEnds[warmup - 1]) / 1e9;
    System.out.printf("millrace %s adam: %.0f samples/s (%d steps after %d warm-up steps in one run, epoch loss %.4f)%n",
        label, steps * batch / s, steps, warmup, r.history().get(0).trainLoss());
    if (device != null) {
      System.out.printf("  %.1f launches/step, %.2f MB staged/step, %.1f us/step%n",
          (counters[2] - counters[0]) / (double) steps, (counters[3] - counters[1]) * 4e-6 / steps, s * 1e6 / steps);
    }
    return calls;
  }
}
