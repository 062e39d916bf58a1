package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A content fingerprint leaves out wall-clock timings and nothing else. */
class FingerprintsTest {
  @TempDir
  Path dir;

  private Path artifact(String name, long millis, double loss) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("history.json"),
        "{\"history\": [{\"epoch\": 1, \"trainLoss\": " + loss + ", \"millis\": " + millis + "}]}");
    Files.writeString(d.resolve("index.html"), "<td>" + millis + " ms</td>");
    Files.write(d.resolve("weights.bin"), new byte[] {1, 2, 3});
    return d;
  }

  @Test
  void timingsDoNotChangeTheFingerprintContentDoes() throws Exception {
    String a = Fingerprints.ofDirectory(artifact("a", 1200, 0.5));
    assertEquals(a, Fingerprints.ofDirectory(artifact("b", 987, 0.5)), "only the timings differ");
    assertNotEquals(a, Fingerprints.ofDirectory(artifact("c", 1200, 0.25)), "a loss differs");
    Path d = artifact("d", 1200, 0.5);
    Files.write(d.resolve("weights.bin"), new byte[] {1, 2, 4});
    assertNotEquals(a, Fingerprints.ofDirectory(d), "a weight differs");
  }
}
