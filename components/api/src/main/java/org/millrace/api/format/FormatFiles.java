package org.millrace.api.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes and reads the format files: atomically, with errors that name the file and what it should
 * hold. The one place files that readers must never see half-written are written (the formats here,
 * blessing.json, registry.json, the Pusher's records).
 */
public final class FormatFiles {
  private FormatFiles() {}

  /**
   * Writes {@code bytes} to {@code file} through a sibling {@code <name>.tmp-<uuid>} and an atomic
   * rename, so a reader never sees half a file and a failed write leaves the previous file whole; a
   * fresh temporary name per write, so two writers or a write cut short by kill -9 never share one.
   * Creates the parent directory; removes the temporary file when the write fails.
   */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Writes {@code value} as {@code mapper}'s JSON to {@code file} atomically ({@link #writeAtomically}). */
  public static void write(Path file, ObjectMapper mapper, Object value) {
    try {
      writeAtomically(file, mapper.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /**
   * Reads {@code file} as {@code type}; fails with the file, {@code expected} (what the file should
   * be) and the parser's account (line, column, field) when it is missing or not of that shape.
   */
  static <T> T read(Path file, ObjectMapper mapper, Class<T> type, String expected) {
    if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException(file + " expected " + expected + ", but there is no such file",
          new NoSuchFileException(file.toString()));
    }
    try {
      return mapper.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(file + " expected " + expected + ", could not read it: " + e.getMessage(), e);
    }
  }

  /** Reads {@code json} (from {@code source}) as {@code type}, failing as {@link #read} does. */
  static <T> T parse(String json, String source, ObjectMapper mapper, Class<T> type, String expected) {
    try {
      return mapper.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(source + " expected " + expected + ", could not read it: " + e.getMessage(), e);
    }
  }
}
