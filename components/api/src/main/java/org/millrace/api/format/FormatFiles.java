package org.millrace.api.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes and reads the format files: atomically, with errors that name the file and what it should hold. */
final class FormatFiles {
  private FormatFiles() {}

  /**
   * Writes {@code value} as JSON to {@code file} through {@code file.tmp-<uuid>} and an atomic rename, so
   * a reader never sees half a file and a failed write leaves the previous file whole; creates the
   * parent directory.
   */
  static void write(Path file, ObjectMapper mapper, Object value) {
    // A fresh name per write: two writers, or a write cut short by kill -9, never share a temporary file.
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
    try {
      Files.createDirectories(file.getParent());
      mapper.writeValue(tmp.toFile(), value);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
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
