package org.millrace.api.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format files are replaced whole or not at all. */
class FormatFilesTest {
  @TempDir
  Path dir;

  @Test
  void aWriteThatFailsHalfwayLeavesThePreviousFileWhole() throws Exception {
    Path file = dir.resolve("f.json");
    var mapper = JsonMapper.builder().build();
    FormatFiles.write(file, mapper, Map.of("a", 1));
    Map<String, Object> broken = new HashMap<>();
    broken.put(null, 2); // serializing starts, then fails at the null key
    assertThrows(UncheckedIOException.class, () -> FormatFiles.write(file, mapper, List.of("x".repeat(10_000), broken)));
    assertEquals("{\"a\":1}", Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left");
    }
  }

  @Test
  void aReaderThatOpenedTheFileBeforeAWriteReadsTheOldFileWhole() throws Exception {
    // Replaced by a rename, not rewritten in place: the open file is the old one, untouched.
    Path file = dir.resolve("g.json");
    org.millrace.api.io.AtomicFiles.write(file, "{\"old\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (var open = java.nio.channels.FileChannel.open(file)) {
      org.millrace.api.io.AtomicFiles.write(file, "{\"new\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      var buffer = java.nio.ByteBuffer.allocate(64);
      open.read(buffer, 0);
      assertEquals("{\"old\":true}", new String(buffer.array(), 0, buffer.position(),
          java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals("{\"new\":1}", Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left");
    }
  }
}
