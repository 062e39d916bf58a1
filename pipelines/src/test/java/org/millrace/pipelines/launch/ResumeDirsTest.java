package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resume directory belongs to one execution; only a dead execution's directory is taken over. */
class ResumeDirsTest {
  @TempDir
  Path node;

  @Test
  void concurrentExecutionsWithOneCacheKeyGetTheirOwnDirectories() throws Exception {
    try (var a = ResumeDirs.claim(node, "abcdef0123456789ffff", 10);
        var b = ResumeDirs.claim(node, "abcdef0123456789ffff", 11)) {
      assertNotEquals(a.dir(), b.dir());
      assertFalse(b.inherited(), "a live execution's resume directory expected to stay its own");
      assertTrue(Files.isDirectory(a.dir()));
    }
  }

  @Test
  void aLaterExecutionTakesOverTheCheckpointsADeadOneLeft() throws Exception {
    Path first;
    try (var a = ResumeDirs.claim(node, "abcdef0123456789ffff", 10)) {
      first = a.dir();
      Files.writeString(Files.createDirectories(a.dir().resolve("checkpoints")).resolve("step-5"), "w");
    }
    try (var b = ResumeDirs.claim(node, "abcdef0123456789ffff", 12)) {
      assertTrue(b.inherited());
      assertEquals("w", Files.readString(b.dir().resolve("checkpoints").resolve("step-5")));
      assertFalse(Files.exists(first));
    }
    try (var c = ResumeDirs.claim(node, "0000000000000000ffff", 13)) {
      assertFalse(c.inherited(), "another cache key's checkpoints expected not to be taken over");
    }
  }
}
