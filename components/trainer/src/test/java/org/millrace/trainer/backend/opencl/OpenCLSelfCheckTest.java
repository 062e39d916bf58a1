package org.millrace.trainer.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.millrace.testing.RequiredCapabilities;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Tensor;

class OpenCLSelfCheckTest {
  @Test
  void theHostProductIsTheJavaBackendsProductInEveryTransposition() {
    int m = 5;
    int n = 4;
    int k = 3;
    var rnd = new java.util.SplittableRandom(3);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextDouble();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rnd.nextDouble();
    }
    try (var java = new JavaBackend(1)) {
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        Tensor x = java.allocate(a.length);
        Tensor y = java.allocate(b.length);
        Tensor z = java.allocate(m * n);
        java.upload(a, x);
        java.upload(b, y);
        java.gemm(ta, tb, m, n, k, x, y, z, false);
        assertArrayEquals(java.download(z), SelfCheck.hostProduct(ta, tb, m, n, k, a, b), 1e-5f, ta + " " + tb);
      }
    }
  }

  @Test
  void theComparisonNamesTheFirstWrongValueIncludingNaN() {
    float[] expected = {1f, -2f, 300f};
    assertNull(SelfCheck.compare(expected, new float[] {1f, -2f, 300.01f}, 1e-4f));
    assertEquals("value 1 expected -2.0, got -2.1", SelfCheck.compare(expected, new float[] {1f, -2.1f, 300f},
        1e-4f));
    assertEquals("value 0 expected 1.0, got NaN", SelfCheck.compare(expected, new float[] {Float.NaN, -2f, 300f},
        1e-4f));
  }

  @Test
  void theSelfCheckPassesOnThisMachinesDeviceAndGivesItsSpaceBack() {
    var devices = OpenCLBackend.devices();
    RequiredCapabilities.assume("opencl", !devices.isEmpty(), "no OpenCL platform on this machine: self-check not run");
    try (var cl = new OpenCLBackend(devices.get(0), 1 << 16, 1 << 14)) {
      Tensor before = cl.allocate(10);
      cl.selfCheck();
      Tensor after = cl.allocate(10);
      // The check's tensors are gone and their space is zero again.
      assertEquals(((OpenCLBackend.Slice) before).offset() + 16, ((OpenCLBackend.Slice) after).offset());
      Tensor fresh = cl.allocate(5000);
      float[] zeros = cl.download(fresh);
      assertArrayEquals(new float[5000], zeros, 0f);
    }
  }
}
