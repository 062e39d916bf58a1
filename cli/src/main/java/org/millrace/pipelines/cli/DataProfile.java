package org.millrace.pipelines.cli;

import java.io.IOException;
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
import org.millrace.ingest.ExampleGenParams;
import org.millrace.ingest.InputRecords;
import org.millrace.ingest.csv.Compressed;
import org.millrace.ingest.csv.CsvRecord;
import org.millrace.ingest.csv.RecordSource;

/**
 * What {@code millrace init} learns from one data file in a full pass: the column types as
 * ExampleGen infers them (the same code), and per column the missing values and the distinct
 * values (counted exactly up to {@link #MAX_DISTINCT}). Reads every format ExampleGen reads, through
 * its readers: CSV (comma, or tab for {@code .tsv}), JSON lines, JSON arrays, Arrow IPC, Parquet, and
 * gzip-compressed CSV or JSON.
 */
final class DataProfile {
  /** Distinct values counted per column; beyond, the column is marked as having more. */
  static final int MAX_DISTINCT = 10_000;
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
  /** Rows ExampleGen would reject (a value that does not fit its column, a malformed record). */
  final long badRows;
  /** The first of them, as ExampleGen names it ({@code line 15002: column 'distance' ...}); null when none. */
  final String firstBad;

  private DataProfile(Path file, String format, long rows, List<Column> columns, long badRows, String firstBad) {
    this.file = file;
    this.format = format;
    this.rows = rows;
    this.columns = List.copyOf(columns);
    this.badRows = badRows;
    this.firstBad = firstBad;
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

  /**
   * Reads the whole file as ExampleGen reads it with default parameters (format from the extension,
   * gzip for a {@code .gz} name): the schema through the same inference, the records through the
   * same readers ({@link InputRecords}).
   */
  static DataProfile read(Path file) throws IOException {
    return read(file, names -> null);
  }

  /**
   * As {@link #read(Path)}, the label column chosen from the column names by {@code labelOf} (null:
   * none): a row without a label is one ExampleGen's missing_label handles before it types the row,
   * so such a row is not a bad row here either.
   */
  static DataProfile read(Path file, java.util.function.Function<List<String>, String> labelOf) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": expected a data file, got " + (Files.exists(file) ? "a directory"
          : "no such file"));
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".zip") || name.endsWith(".bz2") || name.endsWith(".xz") || name.endsWith(".zst")) {
      throw new IllegalArgumentException(file + ": expected a file ExampleGen reads (csv, jsonl, json, arrow, parquet;"
          + " csv and JSON also gzip-compressed, .gz), got " + name.substring(name.lastIndexOf('.'))
          + " compression. Decompress it first, or recompress it with gzip.");
    }
    String path = file.toAbsolutePath().normalize().toString();
    ExampleGenParams params = ExampleGenParams.of(path);
    if (name.endsWith(".tsv") || name.endsWith(".tsv.gz")) {
      params = new ExampleGenParams(path, null, "\\t", null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null);
    }
    DataSchema schema = InputRecords.schema(params);
    Set<String> nulls = InputRecords.nullValues(params);
    var cols = new ArrayList<Column>();
    schema.features().forEach(f -> cols.add(new Column(f)));
    long rows = 0;
    long bad = 0;
    String firstBad = null;
    // The same check as ExampleGen's (RowTyper): a value that does not fit its column's inferred type
    // (past the typing sample, or one of the few its 1% tolerance lets by) is a bad row there, which
    // the pipeline init writes must expect.
    var typer = new org.millrace.ingest.csv.RowTyper(schema, nulls);
    String unit = params.format().text() ? "line " : "row ";
    int labelAt = schema.names().indexOf(labelOf.apply(schema.names()));
    try (RecordSource source = InputRecords.open(params, schema)) {
      CsvRecord r;
      while ((r = source.next()) != null) {
        if (r.error() == null && r.fields() != null && r.raw().isEmpty()) {
          continue; // a blank line, which ExampleGen skips
        }
        String problem = r.error() != null ? r.error() : r.fields() == null ? "no fields" : typer.check(r.fields());
        if (problem != null && labelAt >= 0 && r.error() == null && r.fields() != null
            && r.fields().size() == cols.size() && typer.isMissing(r.fields().get(labelAt))) {
          problem = null; // no label: missing_label's row, counted below as before
        }
        if (problem != null) {
          if (bad++ == 0) {
            firstBad = unit + r.line() + ": " + problem;
          }
          continue;
        }
        rows++;
        for (int i = 0; i < cols.size(); i++) {
          String v = r.fields().get(i);
          cols.get(i).add(v, v == null || nulls.contains(v));
        }
      }
    }
    String format = params.format().spelling() + (params.delimiter().equals("\t") ? " (tab)" : "")
        + (Compressed.isGzip(path) ? ", gzip" : "");
    return new DataProfile(file, format, rows, cols, bad, firstBad);
  }
}
