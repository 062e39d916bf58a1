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
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.nn.Training;

/**
 * The device benchmark of the trainer (benchmarks/trainer-gpu/run.sh): sgemm GFLOP/s at the given
 * sizes and MLP training samples/s for 784-512-512-10 b1024, 784-2048-2048-10 b4096 and
 * 784-256-256-10 b128 (Adam, random data), on the backend named by -Dbackend (auto, java, opencl,
 * opencl_gpu, opencl_cpu), with a per-operation profile of one MLP's steps. Same output format as
 * torch_device_bench.py.
 */
public final class DeviceBenchmark {
  private DeviceBenchmark() {}

  public static void main(String[] args) throws Exception {
    String choice = System.getProperty("backend", "opencl_gpu");
    int steps = Integer.parseInt(System.getProperty("steps", "50"));
    int threads = Runtime.getRuntime().availableProcessors();
    var selected = Backends.open(choice, threads);
    var times = new TreeMap<String, long[]>();
    Backend backend = profiled(selected.backend(), times);
    System.out.println("device: " + selected.backend().description() + " (" + selected.reason() + ")");
    for (String a : args.length > 0 ? args[0].split(",") : new String[] {"1024", "2048", "4096"}) {
      if (selected.backend() instanceof OpenCLBackend cl) {
        // The automatic choice (which the MLPs below use), then each kernel, at every size.
        for (OpenCLBackend.GemmVariant v : OpenCLBackend.GemmVariant.values()) {
          cl.gemmVariant(v);
          sgemm(backend, Integer.parseInt(a), " (" + v.name().toLowerCase(java.util.Locale.ROOT) + " kernel)");
        }
        cl.gemmVariant(OpenCLBackend.GemmVariant.AUTO);
      } else {
        sgemm(backend, Integer.parseInt(a), "");
      }
    }
    Map<String, long[]> profile = Map.of();
    for (int[] shape : List.of(new int[] {512, 1024}, new int[] {2048, 4096}, new int[] {256, 128})) {
      Map<String, long[]> calls = mlp(backend, shape[0], shape[1], steps, times,
          selected.backend() instanceof OpenCLBackend cl ? cl : null);
      if (shape[0] == 512) {
        profile = calls;
      }
    }
    System.out.println("profile of the 784-512-512-10 b1024 steps (share of backend time, calls):");
    long total = profile.values().stream().mapToLong(t -> t[0]).sum();
    profile.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
        System.out.printf("  %-20s %5.1f%%  %8d calls  %8.1f us/call%n", e.getKey(), 100.0 * e.getValue()[0] / total,
            e.getValue()[1], e.getValue()[0] / 1e3 / e.getValue()[1]));
    selected.backend().close();
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
              long[] t = times.computeIfAbsent(method.getName(), k -> new long[2]);
              t[0] += System.nanoTime() - t0;
              t[1]++;
            }
          }
        });
  }

  static void sgemm(Backend b, int n, String variant) {
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
    b.gemm(false, false, n, n, n, ta, tb, tc, false);
    int reps = Math.max(2, (int) Math.min(50, 4e10 / (2.0 * n * n * n)));
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      b.gemm(false, false, n, n, n, ta, tb, tc, false);
    }
    b.download(tc, 0, new float[1], 0, 1);
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("millrace sgemm %d: %.1f GFLOP/s%s%n", n, 2.0 * n * n * n * reps / s / 1e9, variant);
  }

  /** Trains one MLP and returns the backend calls of its timed steps (from {@code times}, which the proxy fills). */
  static Map<String, long[]> mlp(Backend b, int hidden, int batch, int steps, Map<String, long[]> times,
      OpenCLBackend device) throws Exception {
    int rows = batch * steps;
    var rnd = new java.util.SplittableRandom(2);
    float[] x = new float[rows * 784];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = rnd.nextInt(10);
    }
    var data = new DenseData(x, y, rows, 784);
    var eval = new DenseData(new float[784], new float[1], 1, 784);
    var net = Network.dense(784, List.of(new Dense(hidden, Activation.RELU), new Dense(hidden, Activation.RELU),
        new Dense(10, Activation.LINEAR))).build(b, batch);
    net.initialize(0);
    var opt = new Optimizer(Optimizer.Kind.ADAM, 1e-3, 0, false, 0, 0.9, 0.999, 1e-7, null);
    var warm = new DenseData(java.util.Arrays.copyOf(x, batch * 3 * 784), java.util.Arrays.copyOf(y, batch * 3),
        batch * 3, 784);
    Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, warm, eval, Training.Options.of(1, batch, 0));
    synchronized (times) {
      times.clear();
    }
    long launches0 = device == null ? 0 : device.launches();
    long staged0 = device == null ? 0 : device.stagedFloats();
    long t0 = System.nanoTime();
    var r = Training.run(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, eval, Training.Options.of(1, batch, 0));
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("millrace mlp 784-%d-%d-10 b%d adam: %.0f samples/s (%d steps, loss %.4f)%n", hidden, hidden,
        batch, rows / s, steps, r.history().get(0).trainLoss());
    if (device != null) {
      // The epoch also evaluates one row and reads its metrics: a few launches beyond the steps'.
      System.out.printf("  %.1f launches/step, %.2f MB staged/step, %.1f us/step%n",
          (device.launches() - launches0) / (double) steps, (device.stagedFloats() - staged0) * 4e-6 / steps,
          s * 1e6 / steps);
    }
    var calls = new TreeMap<String, long[]>();
    synchronized (times) {
      times.forEach((k, v) -> calls.put(k, v.clone()));
    }
    return calls;
  }
}
