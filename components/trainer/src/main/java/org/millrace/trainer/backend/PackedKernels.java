package org.millrace.trainer.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of {@link MatMul} over packed strips of A: a tile of C held in registers
 * ({@link MatMul.Tile}), summed p = 0..depth-1 with fused multiply-adds, the strip's values
 * broadcast against a panel of packed B. {@code k12x2}, {@code k16x1} and {@code k6x2} read p-major
 * strips; {@code b12x2} reads strips in p blocks of {@link Strips#PB}. Each loads its starting tile
 * from C0 and stores it to C (see {@code MatMul.kernel}).
 */
final class PackedKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int PB = Strips.PB;

  /**
   * Floats of B {@link #b12x2} moves on per p between its touches: per p block, one float of each of
   * the four cache lines of the next 256 bytes, so that a call {@code depth} deep touches {@code
   * TOUCH_STRIDE * depth} floats, an eighth of a panel's slice of that depth (see {@link #b12x2}),
   * and a block of 8 strips covers the next panel. One float per 128 bytes, leaving the other line
   * to the L2's adjacent-line prefetch, ran sgemm 1024 3-7% slower at one thread than two floats
   * per 128 bytes (in one JVM, in turn, five JVMs; 2048 within the spread). Four lines rather than
   * two per p block: sgemm 2048 at one thread, swept whole in 12-strip blocks (see {@code
   * MatMul.GROUP_FLOATS}), 107.7, 114.8, 113.0, 110.5 and 115.6 GFLOP/s against 103.2, 105.5, 105.3,
   * 107.0 and 109.7 for the grouped way with two (in one JVM, in turn, five JVMs), where two lines
   * swept whole gained 3% (109.3 and 105.9 against 106.0 and 103.2); in the grouped way at two
   * threads and for sgemm 1024, within the spread (an Intel Xeon, Ice Lake, 2026-12-07). A loop
   * over a number of touches given per call ran the kernel 10% slower.
   */
  static final int TOUCH_STRIDE = 4;

  private PackedKernels() {}

  /**
   * {@code C[12 x 2 vectors] = C0 + strip (depth x 12, p-major) * panel (depth x 2 vectors)}; C at co, row
   * stride cs; C0 at c0o in c0, row stride c0s. The panel's rows are 2 vectors apart (packed B, or a B
   * of one panel's width read where it is): a constant stride, so that the JIT checks B's bounds once,
   * not per p, and multiplies nothing per p (with the stride a parameter, the kernel alone over
   * L2-resident strips and panels ran 84.1 and 75.5 against 92.0 and 78.9 GFLOP/s, medians of 300
   * interleaved samples in two JVMs, an Intel Xeon (Ice Lake), 2026-12-07).
   */
  static void k12x2(float[] strip, int s0, float[] b, int base, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
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
    for (int p = 0; p < depth; p++) {
      int bo = base + p * (2 * vl);
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * 12;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c0_0 = x0.fma(b0, c0_0);
      c0_1 = x0.fma(b1, c0_1);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c1_0 = x1.fma(b0, c1_0);
      c1_1 = x1.fma(b1, c1_1);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c2_0 = x2.fma(b0, c2_0);
      c2_1 = x2.fma(b1, c2_1);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c3_0 = x3.fma(b0, c3_0);
      c3_1 = x3.fma(b1, c3_1);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c4_0 = x4.fma(b0, c4_0);
      c4_1 = x4.fma(b1, c4_1);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
      c5_0 = x5.fma(b0, c5_0);
      c5_1 = x5.fma(b1, c5_1);
      var x6 = FloatVector.broadcast(S, strip[so + 6]);
      c6_0 = x6.fma(b0, c6_0);
      c6_1 = x6.fma(b1, c6_1);
      var x7 = FloatVector.broadcast(S, strip[so + 7]);
      c7_0 = x7.fma(b0, c7_0);
      c7_1 = x7.fma(b1, c7_1);
      var x8 = FloatVector.broadcast(S, strip[so + 8]);
      c8_0 = x8.fma(b0, c8_0);
      c8_1 = x8.fma(b1, c8_1);
      var x9 = FloatVector.broadcast(S, strip[so + 9]);
      c9_0 = x9.fma(b0, c9_0);
      c9_1 = x9.fma(b1, c9_1);
      var x10 = FloatVector.broadcast(S, strip[so + 10]);
      c10_0 = x10.fma(b0, c10_0);
      c10_1 = x10.fma(b1, c10_1);
      var x11 = FloatVector.broadcast(S, strip[so + 11]);
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

  /**
   * As {@link #k12x2} over a strip in p blocks ({@link Strips#blocked}): row r's element p at {@code s0 + p
   * + (p / PB) * PB * 11 + r * PB}; the panel's rows 2 vectors apart. Two p per iteration (p even: p + 1
   * is in the same p block), each in the order p = 0..depth-1: fewer instructions per multiply-add, so
   * that more of them are in flight while B's panel comes from L3 for the first strip (a scratch
   * harness, three fresh JVMs each, one p at a time against two: sgemm 2048 at one thread 172-182
   * against 182-186 GFLOP/s, 1024 182-193 against 181-197, AMD EPYC). The loop runs a p block at a time,
   * an inner loop of PB / 2 iterations whose indices are linear in its counter, so that the JIT
   * checks the strip's and the panel's bounds once per block, not per iteration, and computes no
   * {@code p / PB}: on an Intel Xeon (Ice Lake), whose vector ports also run the scalar instructions,
   * the kernel alone over L2-resident strips and panels ran 92.3 and 96.8 against 86.0 and 86.6
   * GFLOP/s (medians of 200 interleaved samples, two JVMs; issue 15's notes). The last p block's
   * remainder (depth not a multiple of PB: row r's element p at {@code r * PB + p} from the block's
   * start) is a strip A of row stride PB, summed on by {@link InPlaceKernels#g12x2}.
   * Its size is near what C1 compiles with profiles: a copy that also stored each row of B ran C1
   * out of registers ("out of virtual registers in linear scan"), stayed in C1's code without
   * profiles and ran sgemm 1024 at a third of its speed; this kernel with its remainder loop inside
   * (2,373 bytes) failed that compile now and then too (1,931 without, docs/adr/0014); keep it no larger
   * (1,993 with the touches below, C2-compiled in four JVMs of four).
   *
   * <p>Once per p block it also reads four floats of b, one per cache line, from {@code touch} on,
   * {@link #TOUCH_STRIDE} floats further per p, and returns their sum (which the caller keeps, so
   * that the JIT keeps the loads): the caller points it at the panel it sweeps next, so that the
   * panel's slice comes from L3 or memory into L2 while this panel's strips run, rather than while
   * the next panel's first strip waits for it (Java has no prefetch instruction; a load that hits L3
   * returns within the out-of-order window of the multiply-adds around it). The kernel over 24
   * strips by 32 panels of a 1024-deep B (4 MiB), in one JVM with both called in turn: 110.0, 114.2
   * and 107.0 GFLOP/s with one touch per p block against 88.3, 102.2 and 85.3 without (three JVMs,
   * an Intel Xeon, Ice Lake).
   */
  static float b12x2(float[] strip, int s0, float[] b, int base, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth, int touch) {
    int vl = S.length();
    int full = depth - depth % PB;
    if (full == 0) {
      InPlaceKernels.g12x2(strip, s0, 1, PB, b, base, 2 * vl, c, co, cs, c0, c0o, c0s, depth);
      return 0f;
    }
    float touched = 0f;
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
    for (int pb = 0; pb < full; pb += PB) {
      int sb = s0 + pb * 12;
      int bb = base + pb * (2 * vl);
      int tb = touch + pb * TOUCH_STRIDE;
      touched += b[tb] + b[tb + PB] + b[tb + 2 * PB] + b[tb + 3 * PB];
      for (int q = 0; q < PB; q += 2) {
        int bo = bb + q * (2 * vl);
        var b0 = FloatVector.fromArray(S, b, bo);
        var b1 = FloatVector.fromArray(S, b, bo + vl);
        int so = sb + q;
        var x0 = FloatVector.broadcast(S, strip[so]);
        c0_0 = x0.fma(b0, c0_0);
        c0_1 = x0.fma(b1, c0_1);
        var x1 = FloatVector.broadcast(S, strip[so + 1 * PB]);
        c1_0 = x1.fma(b0, c1_0);
        c1_1 = x1.fma(b1, c1_1);
        var x2 = FloatVector.broadcast(S, strip[so + 2 * PB]);
        c2_0 = x2.fma(b0, c2_0);
        c2_1 = x2.fma(b1, c2_1);
        var x3 = FloatVector.broadcast(S, strip[so + 3 * PB]);
        c3_0 = x3.fma(b0, c3_0);
        c3_1 = x3.fma(b1, c3_1);
        var x4 = FloatVector.broadcast(S, strip[so + 4 * PB]);
        c4_0 = x4.fma(b0, c4_0);
        c4_1 = x4.fma(b1, c4_1);
        var x5 = FloatVector.broadcast(S, strip[so + 5 * PB]);
        c5_0 = x5.fma(b0, c5_0);
        c5_1 = x5.fma(b1, c5_1);
        var x6 = FloatVector.broadcast(S, strip[so + 6 * PB]);
        c6_0 = x6.fma(b0, c6_0);
        c6_1 = x6.fma(b1, c6_1);
        var x7 = FloatVector.broadcast(S, strip[so + 7 * PB]);
        c7_0 = x7.fma(b0, c7_0);
        c7_1 = x7.fma(b1, c7_1);
        var x8 = FloatVector.broadcast(S, strip[so + 8 * PB]);
        c8_0 = x8.fma(b0, c8_0);
        c8_1 = x8.fma(b1, c8_1);
        var x9 = FloatVector.broadcast(S, strip[so + 9 * PB]);
        c9_0 = x9.fma(b0, c9_0);
        c9_1 = x9.fma(b1, c9_1);
        var x10 = FloatVector.broadcast(S, strip[so + 10 * PB]);
        c10_0 = x10.fma(b0, c10_0);
        c10_1 = x10.fma(b1, c10_1);
        var x11 = FloatVector.broadcast(S, strip[so + 11 * PB]);
        c11_0 = x11.fma(b0, c11_0);
        c11_1 = x11.fma(b1, c11_1);
        int bo2 = bo + 2 * vl;
        var b0n = FloatVector.fromArray(S, b, bo2);
        var b1n = FloatVector.fromArray(S, b, bo2 + vl);
        int so2 = so + 1;
        var x0n = FloatVector.broadcast(S, strip[so2]);
        c0_0 = x0n.fma(b0n, c0_0);
        c0_1 = x0n.fma(b1n, c0_1);
        var x1n = FloatVector.broadcast(S, strip[so2 + 1 * PB]);
        c1_0 = x1n.fma(b0n, c1_0);
        c1_1 = x1n.fma(b1n, c1_1);
        var x2n = FloatVector.broadcast(S, strip[so2 + 2 * PB]);
        c2_0 = x2n.fma(b0n, c2_0);
        c2_1 = x2n.fma(b1n, c2_1);
        var x3n = FloatVector.broadcast(S, strip[so2 + 3 * PB]);
        c3_0 = x3n.fma(b0n, c3_0);
        c3_1 = x3n.fma(b1n, c3_1);
        var x4n = FloatVector.broadcast(S, strip[so2 + 4 * PB]);
        c4_0 = x4n.fma(b0n, c4_0);
        c4_1 = x4n.fma(b1n, c4_1);
        var x5n = FloatVector.broadcast(S, strip[so2 + 5 * PB]);
        c5_0 = x5n.fma(b0n, c5_0);
        c5_1 = x5n.fma(b1n, c5_1);
        var x6n = FloatVector.broadcast(S, strip[so2 + 6 * PB]);
        c6_0 = x6n.fma(b0n, c6_0);
        c6_1 = x6n.fma(b1n, c6_1);
        var x7n = FloatVector.broadcast(S, strip[so2 + 7 * PB]);
        c7_0 = x7n.fma(b0n, c7_0);
        c7_1 = x7n.fma(b1n, c7_1);
        var x8n = FloatVector.broadcast(S, strip[so2 + 8 * PB]);
        c8_0 = x8n.fma(b0n, c8_0);
        c8_1 = x8n.fma(b1n, c8_1);
        var x9n = FloatVector.broadcast(S, strip[so2 + 9 * PB]);
        c9_0 = x9n.fma(b0n, c9_0);
        c9_1 = x9n.fma(b1n, c9_1);
        var x10n = FloatVector.broadcast(S, strip[so2 + 10 * PB]);
        c10_0 = x10n.fma(b0n, c10_0);
        c10_1 = x10n.fma(b1n, c10_1);
        var x11n = FloatVector.broadcast(S, strip[so2 + 11 * PB]);
        c11_0 = x11n.fma(b0n, c11_0);
        c11_1 = x11n.fma(b1n, c11_1);
        }
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
    if (full < depth) {
      InPlaceKernels.g12x2(strip, s0 + full * 12, 1, PB, b, base + full * (2 * vl), 2 * vl, c, co, cs, c, co, cs,
          depth - full);
    }
    return touched;
  }

  /**
   * {@code C[16 x 1 vectors] = C0 + strip (depth x 16, p-major) * panel (depth x 1 vectors)}; C at co, row
   * stride cs; C0 at c0o in c0, row stride c0s.
   */
  static void k16x1(float[] strip, int s0, float[] b, int base, int bw, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
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
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      int so = s0 + p * 16;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c0_0 = x0.fma(b0, c0_0);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c1_0 = x1.fma(b0, c1_0);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c2_0 = x2.fma(b0, c2_0);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c3_0 = x3.fma(b0, c3_0);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c4_0 = x4.fma(b0, c4_0);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
      c5_0 = x5.fma(b0, c5_0);
      var x6 = FloatVector.broadcast(S, strip[so + 6]);
      c6_0 = x6.fma(b0, c6_0);
      var x7 = FloatVector.broadcast(S, strip[so + 7]);
      c7_0 = x7.fma(b0, c7_0);
      var x8 = FloatVector.broadcast(S, strip[so + 8]);
      c8_0 = x8.fma(b0, c8_0);
      var x9 = FloatVector.broadcast(S, strip[so + 9]);
      c9_0 = x9.fma(b0, c9_0);
      var x10 = FloatVector.broadcast(S, strip[so + 10]);
      c10_0 = x10.fma(b0, c10_0);
      var x11 = FloatVector.broadcast(S, strip[so + 11]);
      c11_0 = x11.fma(b0, c11_0);
      var x12 = FloatVector.broadcast(S, strip[so + 12]);
      c12_0 = x12.fma(b0, c12_0);
      var x13 = FloatVector.broadcast(S, strip[so + 13]);
      c13_0 = x13.fma(b0, c13_0);
      var x14 = FloatVector.broadcast(S, strip[so + 14]);
      c14_0 = x14.fma(b0, c14_0);
      var x15 = FloatVector.broadcast(S, strip[so + 15]);
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

  /**
   * {@code C[6 x 2 vectors] = C0 + strip (depth x 6, p-major) * panel (depth x 2 vectors)}; C at co, row
   * stride cs; C0 at c0o in c0, row stride c0s.
   */
  static void k6x2(float[] strip, int s0, float[] b, int base, int bw, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
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
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * 6;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
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
