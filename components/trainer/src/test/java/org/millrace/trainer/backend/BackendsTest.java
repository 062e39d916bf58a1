package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {
  @Test
  void autoTakesAGpuAndNeverACpuDevice() {
    assertEquals(1, Backends.pick("auto", List.of(false, true, true)));
    assertEquals(-1, Backends.pick("auto", List.of(false)));
    assertEquals(-1, Backends.pick("auto", List.of()));
  }

  @Test
  void explicitChoicesTakeTheirKindOrNothing() {
    assertEquals(2, Backends.pick("opencl_gpu", List.of(false, false, true)));
    assertEquals(-1, Backends.pick("opencl_gpu", List.of(false)));
    assertEquals(1, Backends.pick("opencl_cpu", List.of(true, false)));
    assertEquals(-1, Backends.pick("opencl_cpu", List.of(true)));
    // opencl: a GPU first, a CPU device when there is no GPU.
    assertEquals(1, Backends.pick("opencl", List.of(false, true)));
    assertEquals(0, Backends.pick("opencl", List.of(false)));
    assertEquals(-1, Backends.pick("opencl", List.of()));
  }

  @Test
  void unknownChoicesAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> Backends.open("cuda", 1));
    assertEquals("backend expected one of [auto, java, opencl, opencl_gpu, opencl_cpu], got 'cuda'", e.getMessage());
  }

  @Test
  void javaIsAlwaysThereAndAutoFallsBackToItSaying() {
    try (Backend b = Backends.open("java", 1).backend()) {
      assertEquals("java", b.name());
    }
    var auto = Backends.open("auto", 1);
    try (Backend b = auto.backend()) {
      boolean gpu = org.millrace.trainer.backend.opencl.OpenCLBackend.devices().stream().anyMatch(d -> d.gpu());
      assertEquals(gpu ? "opencl" : "java", b.name(), auto.reason());
      assertEquals(true, auto.reason().startsWith("auto: "), auto.reason());
    }
  }
}
