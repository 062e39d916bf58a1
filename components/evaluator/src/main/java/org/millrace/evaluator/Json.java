package org.millrace.evaluator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** JSON (snake_case keys, sorted maps) for the evaluator's files; writes are atomic. */
public final class Json {
  /** The shared mapper. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private Json() {}

  /** Writes {@code value} to {@code file} through a temp file and an atomic rename. */
  public static void write(Path file, Object value) {
    org.millrace.api.io.AtomicFiles.writeJson(file, MAPPER, value);
  }

  /** Reads a file as {@code type}. */
  public static <T> T read(Path file, Class<T> type) {
    try {
      return MAPPER.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(String.format("%s expected a %s JSON file, could not read it: %s",
          file, type.getSimpleName(), e.getMessage()), e);
    }
  }
}
