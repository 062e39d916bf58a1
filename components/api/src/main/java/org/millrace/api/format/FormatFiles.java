package org.millrace.api.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.millrace.api.io.AtomicFiles;

/** Writes and reads the format files: atomically, with errors that name the file and what it should hold. */
final class FormatFiles {
  private FormatFiles() {}

  /** Writes {@code value} as {@code mapper}'s JSON to {@code file} atomically ({@link AtomicFiles#write}). */
  static void write(Path file, ObjectMapper mapper, Object value) {
    AtomicFiles.writeJson(file, mapper, value);
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
