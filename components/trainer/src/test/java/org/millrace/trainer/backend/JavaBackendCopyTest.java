package org.millrace.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java backend's copies, which split a large one (a training batch) over its threads: every
 * value lands where a single array copy would put it, offsets included, and nothing beside it moves.
 */
class JavaBackendCopyTest {
  @Test
  void largeAndSmallCopiesMoveExactlyTheirRange() {
    for (int threads : new int[] {1, 2, 3}) {
      JavaBackend backend = new JavaBackend(threads);
      try {
        for (int length : new int[] {5, (1 << 18) - 1, 1 << 18, 802_816 + 3}) {
          SplittableRandom random = new SplittableRandom(length);
          float[] src = new float[length + 11];
          for (int i = 0; i < src.length; i++) {
            src[i] = (float) random.nextDouble();
          }
          Tensor t = backend.allocate(length + 20);
          backend.fill(t, -1f, length + 20);
          backend.upload(src, 7, t, 13, length);
          float[] expected = new float[length + 20];
          Arrays.fill(expected, -1f);
          System.arraycopy(src, 7, expected, 13, length);
          String what = length + " floats, " + threads + " threads";
          assertArrayEquals(expected, backend.download(t), 0f, "upload, " + what);

          Tensor copied = backend.allocate(length + 20);
          backend.copy(t, copied, length + 20);
          assertArrayEquals(expected, backend.download(copied), 0f, "copy, " + what);

          float[] back = new float[length + 5];
          Arrays.fill(back, 9f);
          backend.download(t, 13, back, 2, length);
          float[] expectedBack = new float[length + 5];
          Arrays.fill(expectedBack, 9f);
          System.arraycopy(src, 7, expectedBack, 2, length);
          assertArrayEquals(expectedBack, back, 0f, "download, " + what);
        }
      } finally {
        backend.close();
      }
    }
  }
}
