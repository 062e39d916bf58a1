package org.millrace.validate.statistics;

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

/** The statistics of one split: {@code Split-<name>/statistics.json} of an ExampleStatistics artifact. */
public record StatisticsModel(String split, long rows, List<FeatureStatistics> features) {
  public static final String FILE = "statistics.json";
  static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  public StatisticsModel {
    features = List.copyOf(features);
  }

  public Optional<FeatureStatistics> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("BUG: statistics not serializable", e);
    }
  }

  public void write(Path statisticsDir) {
    try {
      Path dir = statisticsDir.resolve("Split-" + split);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(FILE), toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write statistics of split " + split + " to " + statisticsDir, e);
    }
  }

  /** Reads the statistics of one split of an ExampleStatistics directory. */
  public static StatisticsModel read(Path statisticsDir, String split) {
    Path file = statisticsDir.resolve("Split-" + split).resolve(FILE);
    try {
      return JSON.readValue(file.toFile(), StatisticsModel.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("statistics " + file + " expected statistics JSON, got " + e.getMessage(), e);
    }
  }

  static ObjectMapper json() {
    return JSON;
  }
}
