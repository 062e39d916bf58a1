package org.millrace.trainer.backend;

import java.util.List;
import java.util.Locale;
import org.millrace.trainer.backend.opencl.OpenCLBackend;

/**
 * Chooses a backend: {@code auto} takes an OpenCL GPU, else an OpenCL CPU device, else the Java
 * backend; {@code java}, {@code opencl} (GPU first), {@code opencl_gpu} and {@code opencl_cpu} ask
 * for one and fail if it is not there. The choice and why are returned, to be logged and recorded.
 */
public final class Backends {
  private Backends() {}

  /** System property that overrides {@code auto} (set by {@code millrace run --trainer-backend}). */
  public static final String OVERRIDE = "millrace.trainer.backend";

  public static final List<String> CHOICES = List.of("auto", "java", "opencl", "opencl_gpu", "opencl_cpu");

  /** A backend and a sentence on how it was chosen. */
  public record Selected(Backend backend, String reason) {}

  public static void checkChoice(String choice) {
    if (!CHOICES.contains(choice)) {
      throw new IllegalArgumentException("backend expected one of " + CHOICES + ", got '" + choice + "'");
    }
  }

  public static Selected open(String requested, int threads) {
    String choice = requested == null ? "auto" : requested.toLowerCase(Locale.ROOT);
    if (choice.equals("auto")) {
      choice = System.getProperty(OVERRIDE, "auto").toLowerCase(Locale.ROOT);
    }
    checkChoice(choice);
    if (choice.equals("java")) {
      return new Selected(new JavaBackend(threads), "java backend requested");
    }
    List<OpenCLBackend.Found> devices = OpenCLBackend.devices();
    OpenCLBackend.Found pick = null;
    for (OpenCLBackend.Found d : devices) {
      boolean fits = switch (choice) {
        case "opencl_gpu" -> d.gpu();
        case "opencl_cpu" -> !d.gpu();
        default -> true;
      };
      if (fits && (pick == null || d.gpu() && !pick.gpu())) {
        pick = d;
      }
    }
    if (pick == null) {
      if (choice.equals("auto")) {
        return new Selected(new JavaBackend(threads), devices.isEmpty()
            ? "auto: no OpenCL platform on this machine, using the Java backend"
            : "auto: no usable OpenCL device, using the Java backend");
      }
      throw new IllegalArgumentException("backend '" + choice + "' expected a matching OpenCL device, got "
          + (devices.isEmpty() ? "no OpenCL platform (install an OpenCL driver, e.g. pocl-opencl-icd)" : devices));
    }
    return new Selected(new OpenCLBackend(pick), choice + ": OpenCL " + (pick.gpu() ? "GPU" : "CPU") + " device "
        + pick);
  }
}
