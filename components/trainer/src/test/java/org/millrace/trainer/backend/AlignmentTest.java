package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Alignment} on this JVM (HotSpot, as in CI and the launcher): it must know where arrays lie,
 * and the addresses it reads must be the allocator's (the test fails, rather than skips, where they
 * are not).
 */
class AlignmentTest {
  @Test
  void thisJvmSaysWhereArraysLie() {
    assertTrue(Alignment.known(), "sun.misc.Unsafe's references and their shift found");
  }

  /**
   * Two arrays allocated one after the other lie one after the other, {@code 16 + 4 * 100 = 416}
   * bytes apart (a header of 16 bytes with compressed class pointers, the JVM's default): a wrong
   * shift of compressed references (the mutation {@code shift = found + 1}) puts them 832 or 208
   * bytes apart. Most pairs agree (a pair can straddle the end of the thread's allocation buffer).
   */
  @Test
  void arraysAllocatedInARowLieOneAfterTheOther() {
    int agreed = 0;
    for (int attempt = 0; attempt < 16; attempt++) {
      Object[] pair = {new float[100], new float[100]};
      long gap = Alignment.address(pair[1]) - Alignment.address(pair[0]);
      if (gap == 416) {
        agreed++;
      }
    }
    assertTrue(agreed >= 12, "pairs 416 bytes apart: " + agreed + " of 16");
  }

  /** The index it names starts a line: address + header + 4 * index is a multiple of 64. */
  @Test
  void theLineStartIsAnIndexWhoseElementStartsALine() {
    for (int size : new int[] {1, 17, 1000, 1 << 20}) {
      float[] a = new float[size + 16];
      int start = Alignment.lineStart(a);
      assertTrue(start >= 0 && start < 16 && start % 2 == 0, "line start " + start);
      assertEquals(0, (Alignment.address(a) + 16 + 4L * start) % Alignment.LINE, "size " + size);
    }
  }
}
