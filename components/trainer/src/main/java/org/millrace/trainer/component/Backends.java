package org.millrace.trainer.component;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.opencl.OpenCLBackend;

/**
 * Chooses a backend: {@code auto} takes an OpenCL GPU (or other accelerator), else the Java
 * backend; {@code java}, {@code opencl} (GPU first, then a CPU device), {@code opencl_gpu} and
 * {@code opencl_cpu} ask for one and fail if it is not there. The choice and why are returned, to
 * be logged and recorded in the model's provenance.
 *
 * <p>{@code auto} does not take an OpenCL CPU device (PoCL): on the CPU the Java backend's matrix
 * product is several times faster than the same work through OpenCL (docs/adr/0003).
 */
public final class Backends {
  private Backends() {}

  /** A backend and a sentence on how it was chosen. */
  public record Selected(Backend backend, String reason) {}

  /** Opens the backend {@code requested} names (null: auto), Java with {@code threads} threads. */
  public static Selected open(BackendChoice requested, int threads) {
    return open(requested, threads, OpenCLBackend.devices(), OpenCLBackend.Found::gpu, Backends::openChecked);
  }

  /**
   * {@link #open(String, int)} over given devices, with {@code gpu} telling which are GPUs and
   * {@code opener} opening one and running its self-check (throwing when the device fails it).
   */
  static Selected open(BackendChoice requested, int threads, List<OpenCLBackend.Found> devices,
      Predicate<OpenCLBackend.Found> gpu, Function<OpenCLBackend.Found, Backend> opener) {
    // The choice is the Trainer's backend parameter alone (millrace run --trainer-backend sets that
    // parameter), so it is part of the cache key: another backend computes other floats.
    BackendChoice choice = requested == null ? BackendChoice.AUTO : requested;
    if (choice == BackendChoice.JAVA) {
      return new Selected(new JavaBackend(threads), "java backend requested");
    }
    int pick = pick(choice, devices.stream().map(gpu::test).toList());
    if (pick < 0) {
      if (choice == BackendChoice.AUTO) {
        return new Selected(new JavaBackend(threads), devices.isEmpty()
            ? "auto: no OpenCL platform on this machine, using the Java backend"
            : "auto: no OpenCL GPU (only CPU devices: " + devices + "; the Java backend is faster on a CPU, ask for"
                + " opencl_cpu to use them), using the Java backend");
      }
      throw new IllegalArgumentException("backend '" + choice.spelling() + "' expected a matching OpenCL device, got "
          + (devices.isEmpty() ? noPlatform(OpenCLBackend.nativeLoadError(), nvidiaPresent()) : devices));
    }
    OpenCLBackend.Found found = devices.get(pick);
    Backend backend;
    try {
      backend = opener.apply(found);
    } catch (RuntimeException e) {
      if (choice != BackendChoice.AUTO) {
        throw e;
      }
      return new Selected(new JavaBackend(threads), "auto: OpenCL GPU device " + found + " failed its self-check ("
          + e.getMessage() + "), using the Java backend");
    }
    return new Selected(backend, choice.spelling() + ": OpenCL " + (gpu.test(found) ? "GPU" : "CPU") + " device " + found
        + " (self-check passed)");
  }

  /**
   * What {@code auto} resolves to on this machine, for the cache key: {@code auto: java}, or
   * {@code auto: OpenCL GPU <device>} for the GPU it would take; empty for a named backend (the
   * parameter itself is in the key). {@code auto} is a machine-dependent default that changes the
   * output, so a model that {@code auto} trained on the Java backend is not reused where
   * {@code auto} would take a GPU. It does not run the device's self-check: where that fails,
   * {@code auto} trains on the Java backend under the GPU's key.
   */
  public static String autoResolution(BackendChoice requested) {
    if (requested != null && requested != BackendChoice.AUTO) {
      return "";
    }
    List<OpenCLBackend.Found> devices = OpenCLBackend.devices();
    return autoResolution(devices.stream().map(OpenCLBackend.Found::gpu).toList(),
        devices.stream().map(OpenCLBackend.Found::toString).toList());
  }

  /** {@link #autoResolution(BackendChoice)} among devices of which {@code gpu} tells which are GPUs. */
  static String autoResolution(List<Boolean> gpu, List<String> names) {
    int pick = pick(BackendChoice.AUTO, gpu);
    return pick < 0 ? "auto: java" : "auto: OpenCL GPU " + names.get(pick);
  }

  /**
   * The backend of data-parallel worker {@code worker} (1, 2, ...) next to worker 0's
   * {@code first}: another Java backend with {@code threads} threads, or an OpenCL backend on the
   * next device of the same model as worker 0's, round robin, each checked as worker 0's was.
   */
  public static Selected openWorker(Backend first, int worker, int threads) {
    if (first instanceof OpenCLBackend cl) {
      // Only devices of the same model: replicas must compute their optimizer steps identically.
      String model = cl.found().device().getName();
      List<OpenCLBackend.Found> same = OpenCLBackend.devices().stream()
          .filter(d -> d.gpu() == cl.found().gpu() && d.device().getName().equals(model)).toList();
      int index = 0;
      for (int i = 0; i < same.size(); i++) {
        if (same.get(i).device().getDeviceId() == cl.found().device().getDeviceId()) {
          index = i;
        }
      }
      OpenCLBackend.Found found = same.isEmpty() ? cl.found() : same.get((index + worker) % same.size());
      return new Selected(openChecked(found), "worker " + worker + ": OpenCL device " + found + " (self-check passed)");
    }
    return new Selected(new JavaBackend(threads), "worker " + worker + ": java backend");
  }

  /** An OpenCL backend on {@code found} that passed its self-check (closed again when it failed). */
  private static Backend openChecked(OpenCLBackend.Found found) {
    var backend = new OpenCLBackend(found);
    try {
      backend.selfCheck();
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    return backend;
  }

  /**
   * What to say when there is no OpenCL device: the native library's load error when there is one,
   * and the advice for this machine: the NVIDIA OpenCL driver where an NVIDIA GPU is present (PoCL
   * would only add a CPU device), else a GPU vendor's driver or PoCL.
   */
  static String noPlatform(String loadError, boolean nvidia) {
    String advice = nvidia
        ? "an NVIDIA GPU is present: install the NVIDIA driver's OpenCL part (the ICD libnvidia-opencl, e.g. Debian's"
            + " nvidia-opencl-icd, registered in /etc/OpenCL/vendors/nvidia.icd) and the loader ocl-icd-libopencl1"
        : "install the OpenCL loader ocl-icd-libopencl1 and a driver: your GPU vendor's OpenCL ICD, or"
            + " pocl-opencl-icd to use the CPU";
    return loadError == null
        ? "no OpenCL platform: the native library loaded but no driver is registered (" + advice + ")"
        : "no OpenCL platform: Aparapi's native library failed to load: " + loadError + " (" + advice + ")";
  }

  /** Whether this machine has an NVIDIA GPU with its kernel driver loaded. */
  private static boolean nvidiaPresent() {
    return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/driver/nvidia/version"))
        || java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidia0"));
  }

  /**
   * The index of the device a choice takes among devices of which {@code gpu} tells which are
   * GPUs (or other accelerators), or -1: the first GPU for {@code auto}, {@code opencl} and
   * {@code opencl_gpu}; the first CPU device for {@code opencl_cpu}, and for {@code opencl} when
   * there is no GPU.
   */
  static int pick(BackendChoice choice, List<Boolean> gpu) {
    int firstGpu = gpu.indexOf(true);
    int firstCpu = gpu.indexOf(false);
    return switch (choice) {
      case AUTO, OPENCL_GPU -> firstGpu;
      case OPENCL_CPU -> firstCpu;
      case OPENCL -> firstGpu >= 0 ? firstGpu : firstCpu;
      case JAVA -> throw new IllegalArgumentException("BUG: no OpenCL device pick for backend 'java'");
    };
  }
}
