package org.millrace.pipelines.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;
import org.millrace.ingest.csv.SchemaInference;
import org.millrace.ingest.parquet.ParquetRecords;
import org.millrace.ingest.parquet.ParquetSchemas;

/**
 * What {@code millrace init} learns from one data file in a full pass: the column types as
 * ExampleGen infers them (the same code), and per column the missing values and the distinct
 * values (counted exactly up to {@link #MAX_DISTINCT}). Reads CSV (comma, or tab for {@code .tsv})
 * and Parquet.
 */
final class DataProfile {
  /** Distinct values counted per column; beyond, the column is marked as having more. */
  static final int MAX_DISTINCT = 10_000;
  /** What ExampleGen reads as missing in a text file by default. */
  static final Set<String> NULL_VALUES = Set.of("", "NA", "null");

  /** One column: its type, missing values and distinct values (up to {@link #MAX_DISTINCT}). */
  static final class Column {
    final Feature feature;
    long missing;
    final Map<String, Long> counts = new HashMap<>();
    boolean moreDistinct;

    Column(Feature feature) {
      this.feature = feature;
    }

    String name() {
      return feature.name();
    }

    FeatureType type() {
      return feature.type();
    }

    /** Distinct values, or more than {@link #MAX_DISTINCT}. */
    long distinct() {
      return moreDistinct ? MAX_DISTINCT + 1L : counts.size();
    }

    void add(String v, boolean isMissing) {
      if (isMissing) {
        missing++;
        return;
      }
      Long c = counts.get(v);
      if (c != null) {
        counts.put(v, c + 1);
      } else if (counts.size() < MAX_DISTINCT) {
        counts.put(v, 1L);
      } else {
        moreDistinct = true;
      }
    }
  }

  final Path file;
  final String format;
  final long rows;
  final List<Column> columns;

  private DataProfile(Path file, String format, long rows, List<Column> columns) {
    this.file = file;
    this.format = format;
    this.rows = rows;
    this.columns = List.copyOf(columns);
  }

  Column column(String name) {
    for (Column c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  List<String> names() {
    return columns.stream().map(Column::name).toList();
  }

  /** Reads the whole file; fails naming the file for a format ExampleGen cannot read. */
  static DataProfile read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": expected a data file, got " + (Files.exists(file) ? "a directory"
          : "no such file"));
    }
    if (name.endsWith(".gz") || name.endsWith(".zip") || name.endsWith(".bz2")) {
      throw new IllegalArgumentException(file + ": expected an uncompressed file (ExampleGen reads csv, jsonl, arrow and"
          + " parquet as they are), got a compressed one. Decompress it first, e.g. gunzip -k " + file);
    }
    if (name.endsWith(".parquet")) {
      return parquet(file);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json") || name.endsWith(".arrow")) {
      throw new IllegalArgumentException(file + ": expected a CSV or Parquet file for millrace init, got "
          + name.substring(name.lastIndexOf('.')) + ". Write the ExampleGen node by hand for it (docs/pipelines.md,"
          + " format: jsonl | arrow), or convert the file to CSV or Parquet.");
    }
    return csv(file, name.endsWith(".tsv") ? '\t' : ',');
  }

  private static DataProfile csv(Path file, char delimiter) throws IOException {
    DataSchema schema;
    try (InputStream in = Files.newInputStream(file)) {
      schema = SchemaInference.infer(in, file.toString(), delimiter, NULL_VALUES, 1000);
    }
    var cols = new ArrayList<Column>();
    schema.features().forEach(f -> cols.add(new Column(f)));
    long rows = 0;
    try (var reader = new CsvReader(Files.newInputStream(file), delimiter)) {
      SchemaInference.header(reader, file.toString());
      CsvRecord r;
      while ((r = reader.next()) != null) {
        if (r.error() != null || r.fields() == null || (r.raw().isEmpty())) {
          continue;
        }
        if (r.fields().size() != cols.size()) {
          continue; // a bad row for ExampleGen; it says so when the pipeline runs
        }
        rows++;
        for (int i = 0; i < cols.size(); i++) {
          String v = r.fields().get(i);
          cols.get(i).add(v, v == null || NULL_VALUES.contains(v));
        }
      }
    }
    return new DataProfile(file, delimiter == '\t' ? "csv (tab)" : "csv", rows, cols);
  }

  private static DataProfile parquet(Path file) throws IOException {
    DataSchema schema = ParquetSchemas.infer(List.of(file.toString()));
    var cols = new ArrayList<Column>();
    schema.features().forEach(f -> cols.add(new Column(f)));
    long rows = 0;
    try (RecordSource source = ParquetRecords.open(file.toString(), schema, file + " (Parquet footer)")) {
      CsvRecord r;
      while ((r = source.next()) != null) {
        if (r.error() != null || r.fields() == null) {
          continue;
        }
        rows++;
        for (int i = 0; i < cols.size(); i++) {
          String v = r.fields().get(i);
          cols.get(i).add(v, v == null);
        }
      }
    }
    return new DataProfile(file, "parquet", rows, cols);
  }
}
