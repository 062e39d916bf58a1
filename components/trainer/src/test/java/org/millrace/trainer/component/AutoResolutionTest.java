package org.millrace.trainer.component;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.opencl.OpenCLBackend;

/** What {@code auto} resolves to, as the Trainer's cache key holds it. */
class AutoResolutionTest {
  @Test
  void autoIsKeyedByTheDeviceItTakesAndNamedBackendsByTheirParameter() {
    assertEquals("auto: java", Backends.autoResolution(List.of(), List.of()));
    assertEquals("auto: java", Backends.autoResolution(List.of(false), List.of("pthread-cpu (CPU, PoCL)")));
    assertEquals("auto: OpenCL GPU H200 (GPU, NVIDIA CUDA)", Backends.autoResolution(List.of(false, true),
        List.of("pthread-cpu (CPU, PoCL)", "H200 (GPU, NVIDIA CUDA)")));
    assertEquals("", Backends.autoResolution(BackendChoice.JAVA));
    assertEquals("", Backends.autoResolution(BackendChoice.OPENCL_CPU));
    boolean gpu = OpenCLBackend.devices().stream().anyMatch(OpenCLBackend.Found::gpu);
    assertEquals(gpu, Backends.autoResolution(BackendChoice.AUTO).startsWith("auto: OpenCL GPU "), Backends.autoResolution(BackendChoice.AUTO));
    assertEquals(Backends.autoResolution(BackendChoice.AUTO), Backends.autoResolution(null));
  }
}
