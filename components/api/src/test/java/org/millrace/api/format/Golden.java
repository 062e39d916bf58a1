package org.millrace.api.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The checked-in golden files under {@code src/test/resources/org/millrace/api/format/golden/}. */
final class Golden {
  private Golden() {}

  /** The golden directory {@code name} (laid out as the artifact's directory). */
  static Path dir(String name) {
    try {
      return Path.of(Golden.class.getResource("golden/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("no golden directory " + name + " on the test class path", e);
    }
  }

  /**
   * {@code written} has the golden file's bytes (the text is compared first so that a failure
   * shows the difference), and its directory holds nothing else (no temporary file left over).
   */
  static void assertSameBytes(Path golden, Path written) throws IOException {
    byte[] want = Files.readAllBytes(golden);
    byte[] got = Files.readAllBytes(written);
    assertEquals(new String(want, StandardCharsets.UTF_8), new String(got, StandardCharsets.UTF_8),
        written + " differs from the golden file " + golden);
    assertTrue(Arrays.equals(want, got), written + " differs from the golden file " + golden + " in its bytes");
    try (Stream<Path> files = Files.list(written.getParent())) {
      assertEquals(List.of(written.getFileName().toString()),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "files beside " + written);
    }
  }
}
