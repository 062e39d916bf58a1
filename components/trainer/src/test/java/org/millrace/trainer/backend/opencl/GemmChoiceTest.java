package org.millrace.trainer.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.opencl.OpenCLBackend.GemmVariant;

/** Which matrix-product kernel {@code AUTO} picks (no device needed). */
class GemmChoiceTest {
  @Test
  void largestTileThatGivesEveryComputeUnitTwoWorkGroups() {
    // 132 compute units (an H100 SXM): 264 work groups wanted.
    assertEquals(GemmVariant.BIG, OpenCLBackend.autoVariant(4096, 4096, 132)); // 1024 big tiles
    assertEquals(GemmVariant.WIDE, OpenCLBackend.autoVariant(2048, 2048, 132)); // 256 big, 1024 wide
    assertEquals(GemmVariant.SMALL, OpenCLBackend.autoVariant(1024, 512, 132)); // 128 wide tiles
    assertEquals(GemmVariant.SMALL, OpenCLBackend.autoVariant(1, 1, 132));
    // Ragged sizes count partial tiles: 2049 x 2049 is 17 x 17 = 289 big tiles.
    assertEquals(GemmVariant.BIG, OpenCLBackend.autoVariant(2049, 2049, 132));
    // A two-core CPU device takes the big tile from 256 x 128 on.
    assertEquals(GemmVariant.BIG, OpenCLBackend.autoVariant(256, 256, 2));
    assertEquals(GemmVariant.WIDE, OpenCLBackend.autoVariant(128, 256, 2));
  }
}
