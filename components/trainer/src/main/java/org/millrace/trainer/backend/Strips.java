package org.millrace.trainer.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Strips of A as {@link MatMul}'s kernels read them: mr rows of a k block packed together, p-major
 * or in p blocks ({@link #blocked}), zero rows past m.
 */
final class Strips {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private Strips() {}

  /** Depth of a p block of a strip in {@link #blocked} layout: one vector of a row of A. */
  static final int PB = 16;

  /** Floats a packed strip of mr rows takes per row: depth rounded up to whole p blocks. */
  static int stripDepth(int depth) {
    return (depth + PB - 1) / PB * PB;
  }

  /**
   * Whether a packed strip is laid out in p blocks (a block of {@link #PB} p holding each of the
   * 12 rows' PB values in turn: row r's element p at {@code (p / PB) * PB * 12 + r * PB + p % PB})
   * rather than p-major: for the 12 x 2 tile when A's rows are contiguous (nn, nt), whose packing
   * is then one vector copy per PB values of a row (p-major, each value went alone to its place
   * 48 bytes from the last: 42 us per 96 x 1024 block, a twentieth of the block's products, against
   * 8-9 us for the copy, in a scratch harness). A transposed (tn) keeps p-major strips, copied mr
   * values at a time: copied into p blocks a value at a time, the CNN's weight gradients (an A of
   * 57,600 x 288) ran its step at 3,466 against 4,131 samples/s (DeviceBenchmark, six fresh JVMs
   * each), for one kernel fewer to compile.
   */
  static boolean blocked(int mr, int ap) {
    return mr == 12 && ap == 1 && S.length() == PB;
  }

  /**
   * Row groups [gb, ge) of A, depth columns from k0, as strips of mr rows (zero rows past m; p
   * blocks when pb, which {@link #blocked} allows, else p-major), copied along A's contiguous
   * dimension: row by row when A's rows are contiguous (nn, nt), mr values at a time when its
   * columns are (tn).
   */
  static void packA(boolean pb, float[] a, int ai, int ap, int m, int mr, int k0, int depth, int gb, int ge,
      float[] block) {
    for (int g = gb; g < ge; g++) {
      int i0 = g * mr;
      int rowsHere = Math.min(mr, m - i0);
      int strip = (g - gb) * mr * stripDepth(depth);
      if (pb) {
        int full = depth / PB * PB;
        for (int r = 0; r < mr; r++) {
          int dst = strip + r * PB;
          if (r < rowsHere) {
            int src = (i0 + r) * ai + k0;
            for (int p = 0; p < full; p += PB) {
              FloatVector.fromArray(S, a, src + p).intoArray(block, dst + p * mr);
            }
            for (int p = full; p < depth; p++) {
              block[dst + full * mr + p - full] = a[src + p];
            }
          } else {
            // Rows past m: their products go to scratch and are dropped; zeros keep a stale
            // buffer's values (NaNs, subnormals) out of the kernel.
            for (int p = 0; p < depth; p += PB) {
              java.util.Arrays.fill(block, dst + p * mr, dst + p * mr + PB, 0f);
            }
          }
        }
      } else if (ap == 1) {
        for (int r = 0; r < mr; r++) {
          int dst = strip + r;
          if (r < rowsHere) {
            int src = (i0 + r) * ai + k0;
            for (int p = 0; p < depth; p++) {
              block[dst + p * mr] = a[src + p];
            }
          } else {
            for (int p = 0; p < depth; p++) {
              block[dst + p * mr] = 0f;
            }
          }
        }
      } else if (ai == 1 && rowsHere == mr) {
        // A's columns are contiguous (tn): mr values per p. One vector copies them when it can
        // (its lanes past mr land where the next p's values, or the next strip, go next).
        int p = 0;
        if (S.length() >= mr && block.length - strip >= depth * mr + S.length()) {
          // The last p whose vector stays inside A.
          int last = Math.min(depth, Math.floorDiv(a.length - S.length() - i0, ap) - k0 + 1);
          for (; p < last; p++) {
            FloatVector.fromArray(S, a, (k0 + p) * ap + i0).intoArray(block, strip + p * mr);
          }
        }
        for (; p < depth; p++) {
          System.arraycopy(a, (k0 + p) * ap + i0, block, strip + p * mr, mr);
        }
      } else {
        for (int p = 0; p < depth; p++) {
          int o = strip + p * mr;
          int src = (k0 + p) * ap;
          for (int r = 0; r < rowsHere; r++) {
            block[o + r] = a[(i0 + r) * ai + src];
          }
          for (int r = rowsHere; r < mr; r++) {
            block[o + r] = 0f;
          }
        }
      }
    }
  }
}
