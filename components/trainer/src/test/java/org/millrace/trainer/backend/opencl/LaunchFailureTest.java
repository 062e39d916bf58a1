package org.millrace.trainer.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.Tensor;

/**
 * A launch that fails after the first ones (here: a work group larger than the device allows)
 * is an error naming the device and Aparapi's cause, and every later operation fails too; Aparapi
 * would otherwise run it on another device or in Java threads, on stale host arrays.
 */
class LaunchFailureTest {

  @Test
  void aFailedLaunchAfterTheFirstIsAnErrorAndPoisonsTheBackend() {
    var devices = OpenCLBackend.devices();
    Assumptions.assumeTrue(!devices.isEmpty(), "no OpenCL platform on this machine: skipped");
    try (var cl = new OpenCLBackend(devices.get(0), 1 << 12, 1 << 16)) {
      Tensor t = cl.allocate(8);
      cl.fill(t, 2f, 8);
      assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2, 2, 2}, cl.download(t), 0f);
      int tooBig = (int) Math.min(1 << 20, 16L * devices.get(0).device().getMaxWorkGroupSize());
      var e = assertThrows(IllegalStateException.class, () -> cl.fillInGroups(t, 3f, tooBig, tooBig));
      assertTrue(e.getMessage().contains(devices.get(0).device().getName().trim()), e.getMessage());
      assertTrue(e.getMessage().contains("got a failure") && e.getMessage().contains("Aparapi's error: "),
          e.getMessage());
      System.out.println(e.getMessage());
      var later = assertThrows(IllegalStateException.class, () -> cl.fill(t, 1f, 8));
      assertTrue(later.getMessage().contains("later operations fail too"), later.getMessage());
    }
  }
}
