package org.millrace.api.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The schema of tabular data: an ordered list of features. Serialized as YAML (the Schema
 * artifact's {@code schema.yaml}, meant to be reviewed and committed) or JSON.
 */
public record DataSchema(List<Feature> features) implements java.io.Serializable {
  private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  public DataSchema {
    features = List.copyOf(features);
    var seen = new HashMap<String, Integer>();
    for (int i = 0; i < features.size(); i++) {
      Integer prev = seen.put(features.get(i).name(), i);
      if (prev != null) {
        throw new IllegalArgumentException(String.format(
            "schema expected unique feature names, got '%s' at positions %d and %d",
            features.get(i).name(), prev, i));
      }
    }
  }

  public static DataSchema of(Feature... features) {
    return new DataSchema(List.of(features));
  }

  public int size() {
    return features.size();
  }

  public List<String> names() {
    return features.stream().map(Feature::name).toList();
  }

  /** The feature with this name, if present. */
  public Optional<Feature> find(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The feature with this name; a clear error listing the known names otherwise. */
  public Feature feature(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        String.format("feature expected one of %s, got '%s'", names(), name)));
  }

  /** Position of a feature, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < features.size(); i++) {
      if (features.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes the schema as YAML. */
  public void writeYaml(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      YAML.writeValue(file.toFile(), Map.of("features", features));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write schema " + file, e);
    }
  }

  /** Reads a YAML schema; errors name the file and the offending entry. */
  public static DataSchema readYaml(Path file) {
    try {
      return YAML.readValue(file.toFile(), DataSchema.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : String.format(" at line %d, column %d", loc.getLineNr(), loc.getColumnNr());
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      String msg = cause == e ? e.getOriginalMessage() : cause.getMessage();
      throw new IllegalArgumentException("schema " + file + where + ": " + msg, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + file, e);
    }
  }
}
