package org.millrace.trainer.backend;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Runs products on the p-block kernel until {@link MatMul.Watch} gives up on it, in a JVM started
 * by {@link MatMulWatchTest} with that kernel left out of compilation (a stand-in for C2's code
 * without its vector intrinsics: the kernel stays slow for as long as the JVM lives). Prints one
 * line: {@code products <before> seconds <s> slow <GFLOP/s> after <GFLOP/s> same <true|false>} (the
 * fastest product before the Watch gave up, the fastest of 200 after, and whether they agree to the bit),
 * or {@code no-p-blocks} where the machine's vectors are not 16 floats wide.
 */
public final class SlowKernelMain {
  public static void main(String[] args) {
    int m = 96;
    int k = 1024;
    int n = 192;
    SplittableRandom random = new SplittableRandom(7);
    float[] a = uniform(random, m * k);
    float[] b = uniform(random, k * n);
    MatMul mm = new MatMul(1);
    if (mm.tile(n) != MatMul.Tile.T12X2 || jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() != 16) {
      System.out.println("no-p-blocks");
      return;
    }
    double flop = 2.0 * m * k * n;
    float[] first = new float[m * n];
    mm.nn(a, b, first, m, k, n, false);
    long start = System.nanoTime();
    int before = 1;
    long fastestBefore = Long.MAX_VALUE;
    while (mm.pBlocks() && System.nanoTime() - start < 120_000_000_000L) {
      float[] c = new float[m * n];
      long t0 = System.nanoTime();
      mm.nn(a, b, c, m, k, n, false);
      fastestBefore = Math.min(fastestBefore, System.nanoTime() - t0);
      before++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // After: the p-major strips and k12x2, compiled as usual; the rate of the last of 200 products.
    float[] c = new float[m * n];
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 200; i++) {
      long t0 = System.nanoTime();
      mm.nn(a, b, c, m, k, n, false);
      best = Math.min(best, System.nanoTime() - t0);
    }
    System.out.printf("products %d seconds %.1f slow %.3f after %.3f same %b%n", before, seconds, flop / fastestBefore,
        flop / best, Arrays.equals(first, c));
    mm.close();
  }

  /** {@code size} floats drawn uniformly from [-1, 1). */
  static float[] uniform(SplittableRandom random, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    return x;
  }
}
