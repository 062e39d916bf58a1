package org.millrace.api.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The statistics of one split: {@code Split-<name>/statistics.json} of an ExampleStatistics
 * artifact. This class owns the file's format: StatisticsGen writes it, SchemaGen, ExampleValidator
 * and the tests read it, all through {@link #write} and {@link #read} (snake_case keys in the
 * records' order, map entries sorted by key, written atomically). The validate component computes
 * the values (its accumulators produce this record).
 */
public record StatisticsModel(String split, long rows, List<FeatureStatistics> features) {
  /** The file's name in a split's directory. */
  public static final String FILE = "statistics.json";
  private static final String EXPECTED = "a statistics JSON file ({split, rows, features})";
  static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  public StatisticsModel {
    if (split == null || features == null) {
      throw new IllegalArgumentException("statistics expected 'split' and 'features', got split " + split
          + " and features " + features);
    }
    features = List.copyOf(features);
  }

  public Optional<FeatureStatistics> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The file's content, as {@link #write} writes it. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("BUG: statistics not serializable", e);
    }
  }

  /** Reads {@link #toJson}'s text ({@code source} names where it came from in errors). */
  public static StatisticsModel fromJson(String json, String source) {
    return FormatFiles.parse(json, source, JSON, StatisticsModel.class, EXPECTED);
  }

  /** The statistics file of {@code split} in an ExampleStatistics directory. */
  public static Path file(Path statisticsDir, String split) {
    return statisticsDir.resolve("Split-" + split).resolve(FILE);
  }

  /** Writes {@code statisticsDir/Split-<split>/statistics.json} through a temporary file and an atomic rename. */
  public void write(Path statisticsDir) {
    FormatFiles.write(file(statisticsDir, split), JSON, this);
  }

  /**
   * Reads the statistics of one split of an ExampleStatistics directory; fails naming the file, or,
   * for a split the directory does not have (a misspelled {@code split} parameter), the splits it has.
   */
  public static StatisticsModel read(Path statisticsDir, String split) {
    Path f = file(statisticsDir, split);
    if (!java.nio.file.Files.exists(f) && java.nio.file.Files.isDirectory(statisticsDir)) {
      var splits = new java.util.TreeSet<String>();
      try (var dirs = java.nio.file.Files.list(statisticsDir)) {
        dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith("Split-")
            && java.nio.file.Files.exists(file(statisticsDir, n.substring(6)))).forEach(n -> splits.add(n.substring(6)));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("listing " + statisticsDir, e);
      }
      if (!splits.isEmpty()) {
        throw new IllegalArgumentException("split expected one of " + splits + " (the splits of the statistics "
            + statisticsDir + "), got '" + split + "'");
      }
    }
    return FormatFiles.read(f, JSON, StatisticsModel.class, EXPECTED);
  }
}
