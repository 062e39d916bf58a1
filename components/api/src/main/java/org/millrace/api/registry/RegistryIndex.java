package org.millrace.api.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.millrace.api.io.AtomicFiles;

/**
 * Content of {@code <base>/<model_name>/registry.json}: every version ever published, ascending.
 * This class owns the file's format: the Pusher's registry writes it, the registry and the model
 * server read it, all through {@link #write} and {@link #read} (snake_case keys, written atomically).
 */
public record RegistryIndex(String modelName, List<RegistryEntry> versions) {
  /** The index's file name in a model's registry directory. */
  public static final String FILE = "registry.json";

  // Keys a newer Pusher adds are ignored, so that a server reads the index of a newer registry.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  public RegistryIndex {
    versions = List.copyOf(versions);
  }

  /** The entry of {@code version}, if it was published. */
  public Optional<RegistryEntry> entry(int version) {
    return versions.stream().filter(e -> e.version() == version).findFirst();
  }

  /**
   * The index in {@code modelDir}; empty when there is none (nothing published yet). Fails naming
   * the file when it is there but not an index.
   */
  public static Optional<RegistryIndex> read(Path modelDir) {
    Path file = modelDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readValue(file.toFile(), RegistryIndex.class));
    } catch (IOException e) {
      throw new UncheckedIOException(file + " expected a registry index, could not read it: " + e.getMessage(), e);
    }
  }

  /** Writes {@code modelDir/registry.json} through a temporary file and an atomic rename. */
  public void write(Path modelDir) throws IOException {
    AtomicFiles.write(modelDir.resolve(FILE), MAPPER.writeValueAsBytes(this));
  }

  /** An entry as the file holds it (snake_case keys), for answers that quote it. */
  public static JsonNode json(RegistryEntry entry) {
    return MAPPER.valueToTree(entry);
  }
}
