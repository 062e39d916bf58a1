package org.millrace.trainer.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.millrace.testing.RequiredCapabilities;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.opencl.OpenCLBackend;

class BackendsTest {
  @Test
  void autoTakesAGpuAndNeverACpuDevice() {
    assertEquals(1, Backends.pick(BackendChoice.AUTO, List.of(false, true, true)));
    assertEquals(-1, Backends.pick(BackendChoice.AUTO, List.of(false)));
    assertEquals(-1, Backends.pick(BackendChoice.AUTO, List.of()));
  }

  @Test
  void explicitChoicesTakeTheirKindOrNothing() {
    assertEquals(2, Backends.pick(BackendChoice.OPENCL_GPU, List.of(false, false, true)));
    assertEquals(-1, Backends.pick(BackendChoice.OPENCL_GPU, List.of(false)));
    assertEquals(1, Backends.pick(BackendChoice.OPENCL_CPU, List.of(true, false)));
    assertEquals(-1, Backends.pick(BackendChoice.OPENCL_CPU, List.of(true)));
    // opencl: a GPU first, a CPU device when there is no GPU.
    assertEquals(1, Backends.pick(BackendChoice.OPENCL, List.of(false, true)));
    assertEquals(0, Backends.pick(BackendChoice.OPENCL, List.of(false)));
    assertEquals(-1, Backends.pick(BackendChoice.OPENCL, List.of()));
  }

  @Test
  void noPlatformNamesTheLoadErrorAndAdvisesForThisMachine() {
    String nvidia = Backends.noPlatform("java.lang.UnsatisfiedLinkError: libOpenCL.so.1: cannot open shared object file",
        true);
    assertTrue(nvidia.contains("libOpenCL.so.1: cannot open shared object file"), nvidia);
    assertTrue(nvidia.contains("nvidia-opencl-icd") && !nvidia.contains("pocl"), nvidia);
    String cpu = Backends.noPlatform(null, false);
    assertTrue(cpu.contains("no driver is registered") && cpu.contains("pocl-opencl-icd"), cpu);
  }

  @Test
  void unknownChoicesAreNamed() {
    var e = assertThrows(org.millrace.api.spec.ParameterException.class, () -> BackendChoice.parse("cuda", "backend"));
    assertEquals("backend expected one of [auto, java, opencl, opencl_gpu, opencl_cpu], got 'cuda'", e.getMessage());
    assertEquals("backend", e.path());
    assertEquals(BackendChoice.OPENCL_GPU, BackendChoice.parse("OpenCL_GPU", "backend"));
  }

  @Test
  void javaIsAlwaysThereAndAutoFallsBackToItSaying() {
    try (Backend b = Backends.open(BackendChoice.JAVA, 1).backend()) {
      assertEquals("java", b.name());
    }
    var auto = Backends.open(BackendChoice.AUTO, 1);
    try (Backend b = auto.backend()) {
      boolean gpu = org.millrace.trainer.backend.opencl.OpenCLBackend.devices().stream().anyMatch(d -> d.gpu());
      assertEquals(gpu ? "opencl" : "java", b.name(), auto.reason());
      assertEquals(true, auto.reason().startsWith("auto: "), auto.reason());
    }
  }

  /**
   * A GPU that fails its self-check: {@code auto} trains on the Java backend and says why; asking
   * for the GPU fails with the check's message. The first OpenCL device here (PoCL) stands in for
   * the GPU; the failing check is injected, since no device here computes wrongly.
   */
  @Test
  void autoFallsBackToJavaWhenTheGpuFailsItsSelfCheck() {
    List<OpenCLBackend.Found> devices = OpenCLBackend.devices();
    RequiredCapabilities.assume("opencl", !devices.isEmpty(), "no OpenCL platform on this machine: fallback test skipped");
    Function<OpenCLBackend.Found, Backend> failing = f -> {
      throw new IllegalStateException("opencl device " + f + " expected the product of the host, got a wrong one");
    };
    var auto = Backends.open(BackendChoice.AUTO, 1, devices, f -> true, failing);
    try (Backend b = auto.backend()) {
      assertEquals("java", b.name());
      assertEquals("auto: OpenCL GPU device " + devices.get(0) + " failed its self-check (opencl device "
          + devices.get(0) + " expected the product of the host, got a wrong one), using the Java backend",
          auto.reason());
    }
    var e = assertThrows(IllegalStateException.class, () -> Backends.open(BackendChoice.OPENCL_GPU, 1, devices, f -> true, failing));
    assertTrue(e.getMessage().contains("expected the product of the host"), e.getMessage());
    // The same device passing the real self-check is taken, and the reason says so.
    var real = Backends.open(BackendChoice.AUTO, 1, devices, f -> true, f -> {
      var cl = new OpenCLBackend(f, 1 << 16, 1 << 16);
      cl.selfCheck();
      return cl;
    });
    try (Backend b = real.backend()) {
      assertEquals("opencl", b.name());
      assertEquals("auto: OpenCL GPU device " + devices.get(0) + " (self-check passed)", real.reason());
    }
  }
}
