package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeIdentityTest {
  @TempDir
  Path dir;

  /** The code's identity is of millrace's jars alone, by name whatever the class path's order, and changes with a byte. */
  @Test
  void theJarsOfMillraceByNameAndContent() throws Exception {
    Path a = Files.write(dir.resolve("millrace-pipelines-1.jar"), new byte[] {1, 2, 3});
    Path b = Files.write(dir.resolve("millrace-trainer-1.jar"), new byte[] {4, 5});
    Path other = Files.write(dir.resolve("guava-33.jar"), new byte[] {9});
    String code = CodeIdentity.code(List.of(a.toString(), other.toString(), b.toString()));
    assertTrue(code.matches("sha256:[0-9a-f]{64}"), code);
    assertEquals(code, CodeIdentity.code(List.of(b.toString(), a.toString(), dir.toString())));
    Files.write(other, new byte[] {10});
    assertEquals(code, CodeIdentity.code(List.of(a.toString(), other.toString(), b.toString())));
    Files.write(b, new byte[] {4, 6});
    assertNotEquals(code, CodeIdentity.code(List.of(a.toString(), b.toString())));
    assertEquals("", CodeIdentity.code(List.of(dir.toString(), other.toString())), "class directories: not a build");
  }
}
