package org.millrace.trainer.backend.opencl;

import java.util.Locale;
import java.util.SplittableRandom;
import org.millrace.trainer.backend.Tensor;

/** The matrix products a device must get right before it trains ({@link OpenCLBackend#selfCheck}). */
final class SelfCheck {
  private SelfCheck() {}

  /** Every kernel, every transposition, 67 x 45 x 70 (ragged against every tile size and depth). */
  static void run(OpenCLBackend cl) {
    int m = 67;
    int n = 45;
    int k = 70;
    var rnd = new SplittableRandom(7);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    Tensor ta = cl.allocate(a.length);
    Tensor tb = cl.allocate(b.length);
    Tensor tc = cl.allocate(m * n);
    cl.upload(a, ta);
    cl.upload(b, tb);
    for (OpenCLBackend.GemmVariant v : new OpenCLBackend.GemmVariant[] {OpenCLBackend.GemmVariant.SMALL,
        OpenCLBackend.GemmVariant.WIDE, OpenCLBackend.GemmVariant.BIG}) {
      cl.gemmVariant(v);
      for (int t = 0; t < 4; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        cl.gemm(transA, transB, m, n, k, ta, tb, tc, false);
        String problem = compare(hostProduct(transA, transB, m, n, k, a, b), cl.download(tc), 1e-4f);
        if (problem != null) {
          throw new IllegalStateException("opencl device " + cl.description() + " expected the product of the host,"
              + " got a wrong one from the " + v.name().toLowerCase(Locale.ROOT) + " kernel (transA " + transA
              + ", transB " + transB + "): " + problem + ". Its OpenCL driver miscompiles the kernel; use backend:"
              + " java");
        }
      }
    }
  }

  /** {@code op(A) op(B)} on the host, A and B stored as {@link OpenCLBackend#gemm} reads them. */
  static float[] hostProduct(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b) {
    float[] c = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += (double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        }
        c[i * n + j] = (float) s;
      }
    }
    return c;
  }

  /** Null when every value is within {@code tolerance} (relative, at least absolute), else the first that is not. */
  static String compare(float[] expected, float[] got, float tolerance) {
    for (int i = 0; i < expected.length; i++) {
      float e = expected[i];
      if (!(Math.abs(got[i] - e) <= tolerance * Math.max(1f, Math.abs(e)))) {
        return "value " + i + " expected " + e + ", got " + got[i];
      }
    }
    return null;
  }
}
