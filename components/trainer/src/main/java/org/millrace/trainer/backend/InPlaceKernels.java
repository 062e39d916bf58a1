package org.millrace.trainer.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of {@link MatMul} that read A where it is (element (i, p) at {@code s0 + i * ar
 * + p * as}): for products of few panels, where packing A would cost more than the products, and
 * for the ragged last row group. The same tiles and order of sums as {@link PackedKernels}.
 */
final class InPlaceKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private InPlaceKernels() {}

  /** As {@link PackedKernels#k12x2} with A read in place: row r's element p at {@code a[s0 + r * ar + p * as]}. */
  static void g12x2(float[] a, int s0, int as, int ar, float[] b, int base, int bw, float[] c, int co,
      int cs, float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c0_1 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c1_1 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c2_1 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c3_1 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c4_1 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c5_1 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c6_1 = FloatVector.fromArray(S, c0, c0o + 6 * c0s + vl);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c7_1 = FloatVector.fromArray(S, c0, c0o + 7 * c0s + vl);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c8_1 = FloatVector.fromArray(S, c0, c0o + 8 * c0s + vl);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c9_1 = FloatVector.fromArray(S, c0, c0o + 9 * c0s + vl);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c10_1 = FloatVector.fromArray(S, c0, c0o + 10 * c0s + vl);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c11_1 = FloatVector.fromArray(S, c0, c0o + 11 * c0s + vl);
    int o1 = ar;
    int o2 = 2 * ar;
    int o3 = 3 * ar;
    int o4 = 4 * ar;
    int o5 = 5 * ar;
    int o6 = 6 * ar;
    int o7 = 7 * ar;
    int o8 = 8 * ar;
    int o9 = 9 * ar;
    int o10 = 10 * ar;
    int o11 = 11 * ar;
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * as;
      var x0 = FloatVector.broadcast(S, a[so]);
      c0_0 = x0.fma(b0, c0_0);
      c0_1 = x0.fma(b1, c0_1);
      var x1 = FloatVector.broadcast(S, a[so + o1]);
      c1_0 = x1.fma(b0, c1_0);
      c1_1 = x1.fma(b1, c1_1);
      var x2 = FloatVector.broadcast(S, a[so + o2]);
      c2_0 = x2.fma(b0, c2_0);
      c2_1 = x2.fma(b1, c2_1);
      var x3 = FloatVector.broadcast(S, a[so + o3]);
      c3_0 = x3.fma(b0, c3_0);
      c3_1 = x3.fma(b1, c3_1);
      var x4 = FloatVector.broadcast(S, a[so + o4]);
      c4_0 = x4.fma(b0, c4_0);
      c4_1 = x4.fma(b1, c4_1);
      var x5 = FloatVector.broadcast(S, a[so + o5]);
      c5_0 = x5.fma(b0, c5_0);
      c5_1 = x5.fma(b1, c5_1);
      var x6 = FloatVector.broadcast(S, a[so + o6]);
      c6_0 = x6.fma(b0, c6_0);
      c6_1 = x6.fma(b1, c6_1);
      var x7 = FloatVector.broadcast(S, a[so + o7]);
      c7_0 = x7.fma(b0, c7_0);
      c7_1 = x7.fma(b1, c7_1);
      var x8 = FloatVector.broadcast(S, a[so + o8]);
      c8_0 = x8.fma(b0, c8_0);
      c8_1 = x8.fma(b1, c8_1);
      var x9 = FloatVector.broadcast(S, a[so + o9]);
      c9_0 = x9.fma(b0, c9_0);
      c9_1 = x9.fma(b1, c9_1);
      var x10 = FloatVector.broadcast(S, a[so + o10]);
      c10_0 = x10.fma(b0, c10_0);
      c10_1 = x10.fma(b1, c10_1);
      var x11 = FloatVector.broadcast(S, a[so + o11]);
      c11_0 = x11.fma(b0, c11_0);
      c11_1 = x11.fma(b1, c11_1);
    }
    c0_0.intoArray(c, co);
    c0_1.intoArray(c, co + vl);
    c1_0.intoArray(c, co + cs);
    c1_1.intoArray(c, co + cs + vl);
    c2_0.intoArray(c, co + 2 * cs);
    c2_1.intoArray(c, co + 2 * cs + vl);
    c3_0.intoArray(c, co + 3 * cs);
    c3_1.intoArray(c, co + 3 * cs + vl);
    c4_0.intoArray(c, co + 4 * cs);
    c4_1.intoArray(c, co + 4 * cs + vl);
    c5_0.intoArray(c, co + 5 * cs);
    c5_1.intoArray(c, co + 5 * cs + vl);
    c6_0.intoArray(c, co + 6 * cs);
    c6_1.intoArray(c, co + 6 * cs + vl);
    c7_0.intoArray(c, co + 7 * cs);
    c7_1.intoArray(c, co + 7 * cs + vl);
    c8_0.intoArray(c, co + 8 * cs);
    c8_1.intoArray(c, co + 8 * cs + vl);
    c9_0.intoArray(c, co + 9 * cs);
    c9_1.intoArray(c, co + 9 * cs + vl);
    c10_0.intoArray(c, co + 10 * cs);
    c10_1.intoArray(c, co + 10 * cs + vl);
    c11_0.intoArray(c, co + 11 * cs);
    c11_1.intoArray(c, co + 11 * cs + vl);
  }

  /** As {@link PackedKernels#k16x1} with A read in place: row r's element p at {@code a[s0 + r * ar + p * as]}. */
  static void g16x1(float[] a, int s0, int as, int ar, float[] b, int base, int bw, float[] c, int co,
      int cs, float[] c0, int c0o, int c0s, int depth) {
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c12_0 = FloatVector.fromArray(S, c0, c0o + 12 * c0s);
    FloatVector c13_0 = FloatVector.fromArray(S, c0, c0o + 13 * c0s);
    FloatVector c14_0 = FloatVector.fromArray(S, c0, c0o + 14 * c0s);
    FloatVector c15_0 = FloatVector.fromArray(S, c0, c0o + 15 * c0s);
    int o1 = ar;
    int o2 = 2 * ar;
    int o3 = 3 * ar;
    int o4 = 4 * ar;
    int o5 = 5 * ar;
    int o6 = 6 * ar;
    int o7 = 7 * ar;
    int o8 = 8 * ar;
    int o9 = 9 * ar;
    int o10 = 10 * ar;
    int o11 = 11 * ar;
    int o12 = 12 * ar;
    int o13 = 13 * ar;
    int o14 = 14 * ar;
    int o15 = 15 * ar;
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      int so = s0 + p * as;
      var x0 = FloatVector.broadcast(S, a[so]);
      c0_0 = x0.fma(b0, c0_0);
      var x1 = FloatVector.broadcast(S, a[so + o1]);
      c1_0 = x1.fma(b0, c1_0);
      var x2 = FloatVector.broadcast(S, a[so + o2]);
      c2_0 = x2.fma(b0, c2_0);
      var x3 = FloatVector.broadcast(S, a[so + o3]);
      c3_0 = x3.fma(b0, c3_0);
      var x4 = FloatVector.broadcast(S, a[so + o4]);
      c4_0 = x4.fma(b0, c4_0);
      var x5 = FloatVector.broadcast(S, a[so + o5]);
      c5_0 = x5.fma(b0, c5_0);
      var x6 = FloatVector.broadcast(S, a[so + o6]);
      c6_0 = x6.fma(b0, c6_0);
      var x7 = FloatVector.broadcast(S, a[so + o7]);
      c7_0 = x7.fma(b0, c7_0);
      var x8 = FloatVector.broadcast(S, a[so + o8]);
      c8_0 = x8.fma(b0, c8_0);
      var x9 = FloatVector.broadcast(S, a[so + o9]);
      c9_0 = x9.fma(b0, c9_0);
      var x10 = FloatVector.broadcast(S, a[so + o10]);
      c10_0 = x10.fma(b0, c10_0);
      var x11 = FloatVector.broadcast(S, a[so + o11]);
      c11_0 = x11.fma(b0, c11_0);
      var x12 = FloatVector.broadcast(S, a[so + o12]);
      c12_0 = x12.fma(b0, c12_0);
      var x13 = FloatVector.broadcast(S, a[so + o13]);
      c13_0 = x13.fma(b0, c13_0);
      var x14 = FloatVector.broadcast(S, a[so + o14]);
      c14_0 = x14.fma(b0, c14_0);
      var x15 = FloatVector.broadcast(S, a[so + o15]);
      c15_0 = x15.fma(b0, c15_0);
    }
    c0_0.intoArray(c, co);
    c1_0.intoArray(c, co + cs);
    c2_0.intoArray(c, co + 2 * cs);
    c3_0.intoArray(c, co + 3 * cs);
    c4_0.intoArray(c, co + 4 * cs);
    c5_0.intoArray(c, co + 5 * cs);
    c6_0.intoArray(c, co + 6 * cs);
    c7_0.intoArray(c, co + 7 * cs);
    c8_0.intoArray(c, co + 8 * cs);
    c9_0.intoArray(c, co + 9 * cs);
    c10_0.intoArray(c, co + 10 * cs);
    c11_0.intoArray(c, co + 11 * cs);
    c12_0.intoArray(c, co + 12 * cs);
    c13_0.intoArray(c, co + 13 * cs);
    c14_0.intoArray(c, co + 14 * cs);
    c15_0.intoArray(c, co + 15 * cs);
  }

  /** As {@link PackedKernels#k6x2} with A read in place: row r's element p at {@code a[s0 + r * ar + p * as]}. */
  static void g6x2(float[] a, int s0, int as, int ar, float[] b, int base, int bw, float[] c, int co,
      int cs, float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c00 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c01 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c10 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c11 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c20 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c21 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c30 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c31 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c40 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c41 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c50 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c51 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    int o1 = ar;
    int o2 = 2 * ar;
    int o3 = 3 * ar;
    int o4 = 4 * ar;
    int o5 = 5 * ar;
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * as;
      var x0 = FloatVector.broadcast(S, a[so]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      var x1 = FloatVector.broadcast(S, a[so + o1]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      var x2 = FloatVector.broadcast(S, a[so + o2]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      var x3 = FloatVector.broadcast(S, a[so + o3]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      var x4 = FloatVector.broadcast(S, a[so + o4]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      var x5 = FloatVector.broadcast(S, a[so + o5]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + vl);
    c10.intoArray(c, co + cs);
    c11.intoArray(c, co + cs + vl);
    c20.intoArray(c, co + 2 * cs);
    c21.intoArray(c, co + 2 * cs + vl);
    c30.intoArray(c, co + 3 * cs);
    c31.intoArray(c, co + 3 * cs + vl);
    c40.intoArray(c, co + 4 * cs);
    c41.intoArray(c, co + 4 * cs + vl);
    c50.intoArray(c, co + 5 * cs);
    c51.intoArray(c, co + 5 * cs + vl);
  }
}
