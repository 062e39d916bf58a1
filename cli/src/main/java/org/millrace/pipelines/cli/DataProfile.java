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
import org.millrace.ingest.csv.Decimals;
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

    /** A text column's values so far: each a number or a marker ({@link #MARKERS}), whatever their count. */
    boolean numbersOrMarkers = true;
    /** The markers among them. */
    final java.util.Set<String> markerValues = new java.util.TreeSet<>();

    void add(String v, boolean isMissing) {
      if (isMissing) {
        missing++;
        return;
      }
      if (numbersOrMarkers && feature.type() == FeatureType.STRING) {
        if (MARKERS.contains(v)) {
          markerValues.add(v);
        } else if (!number(v)) {
          numbersOrMarkers = false;
        }
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
  /** The CSV delimiter read with (a comma for the other formats). */
  final String delimiter;
  /** The typing sample ExampleGen needs for this profile's schema: null for its default. */
  final Integer inferRows;
  final long rows;
  final List<Column> columns;
  /** Rows ExampleGen would reject (a value that does not fit its column, a malformed record). */
  final long badRows;
  /** The first of them, as ExampleGen names it ({@code line 15002: column 'distance' ...}); null when none. */
  final String firstBad;
  /**
   * Markers of a missing number other than ExampleGen's defaults ({@code NULL}, {@code #N/A}, ...)
   * found in columns whose other values are numbers, with the columns; empty when none.
   */
  final Map<String, java.util.Set<String>> markers;
  /** The null_values this profile was read with: null for ExampleGen's default. */
  final List<String> nullValues;

  private DataProfile(Path file, String format, String delimiter, Integer inferRows, long rows, List<Column> columns,
      long badRows, String firstBad, Map<String, java.util.Set<String>> markers, List<String> nullValues) {
    this.markers = markers;
    this.nullValues = nullValues;
    this.file = file;
    this.format = format;
    this.delimiter = delimiter;
    this.inferRows = inferRows;
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
    return read(file, labelOf, null);
  }

  /**
   * As {@link #read(Path, java.util.function.Function)} with the CSV delimiter {@code delimiter};
   * null: tab for a {@code .tsv} name, else the one the first lines use ({@link #sniff}). When
   * ExampleGen's typing sample (its first {@code infer_sample_rows} rows) types a column too
   * narrowly for the rest of the file (whole numbers for a thousand rows, then decimals), the
   * profile is of the schema inferred from the whole file, and {@link #inferRows} says how many
   * rows ExampleGen must sample for it.
   */
  static DataProfile read(Path file, java.util.function.Function<List<String>, String> labelOf, String delimiter)
      throws IOException {
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
    if (delimiter == null && params.format() == org.millrace.api.data.InputFormat.CSV) {
      delimiter = name.endsWith(".tsv") || name.endsWith(".tsv.gz") ? "\t" : sniff(file, path);
    }
    DataProfile first = read(file, path, labelOf, delimiter, null);
    if (first.markers.isEmpty() || !params.format().text()) {
      return first;
    }
    // Numbers missing as NULL, #N/A, None ...: read again with those as missing values, as the pipeline will.
    var nulls = new ArrayList<>(params.nullValues());
    new java.util.TreeSet<>(first.markers.keySet()).forEach(nulls::add);
    DataProfile again = read(file, path, labelOf, delimiter, nulls);
    return new DataProfile(again.file, again.format, again.delimiter, again.inferRows, again.rows, again.columns,
        again.badRows, again.firstBad, first.markers, nulls);
  }

  private static DataProfile read(Path file, String path, java.util.function.Function<List<String>, String> labelOf,
      String delimiter, List<String> nulls) throws IOException {
    ExampleGenParams params = params(path, delimiter, null, nulls);
    DataProfile sampled = profile(file, params, labelOf, null);
    if (sampled.badRows == 0 || sampled.rows + sampled.badRows <= params.inferSampleRows()) {
      return sampled;
    }
    // Rows past the typing sample that do not fit: typed from the whole file, do they?
    int all = (int) Math.min(Integer.MAX_VALUE, sampled.rows + sampled.badRows);
    DataProfile whole = profile(file, params(path, delimiter, all, nulls), labelOf, all);
    return whole.badRows < sampled.badRows && onlyWidened(sampled, whole) ? whole : sampled;
  }

  /**
   * What spreadsheets, databases and pandas write for a missing value besides ExampleGen's defaults
   * ({@code ""}, {@code NA}, {@code null}): taken as missing only in a column whose other values are
   * numbers (a text column may hold "None" as a value).
   */
  static final java.util.Set<String> MARKERS = java.util.Set.of("NULL", "Null", "#N/A", "#NA", "N/A", "n/a", "None",
      "none", "\\N", "-", "--", "?", ".", "<NA>", "missing", "Missing", "MISSING", "NIL", "nil", "(null)");

  private static boolean number(String v) {
    try {
      Decimals.parseDouble(v.trim());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether {@code whole}'s columns are {@code sampled}'s with at most int widened to float: a
   * number column with text in later rows ('n/a') stays a number column whose rows with text are bad
   * rows, not a text column of a thousand distinct numbers.
   */
  private static boolean onlyWidened(DataProfile sampled, DataProfile whole) {
    if (!sampled.names().equals(whole.names())) {
      return false;
    }
    for (int i = 0; i < sampled.columns.size(); i++) {
      FeatureType a = sampled.columns.get(i).type();
      FeatureType b = whole.columns.get(i).type();
      if (a != b && !(a == FeatureType.INT && b == FeatureType.FLOAT)) {
        return false;
      }
    }
    return true;
  }

  /**
   * ExampleGen's parameters for {@code path} with defaults but for the delimiter, the typing sample and
   * the null values (null: default).
   */
  private static ExampleGenParams params(String path, String delimiter, Integer inferRows, List<String> nulls) {
    return new ExampleGenParams(path, null, delimiter, nulls, null, inferRows, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null);
  }

  /** Candidate CSV delimiters, the default first. */
  private static final String CANDIDATES = ",;\t|";

  /**
   * The delimiter the file's first two lines use: of comma, semicolon, tab and bar (outside double
   * quotes), the one the header has most of and the next line as many of; a comma when none is.
   * A semicolon-separated {@code .csv} (a spreadsheet's export where the comma is the decimal mark)
   * was read as one column: init wrote a pipeline whose label was the whole header line.
   */
  static String sniff(Path file, String path) throws IOException {
    List<String> lines = new ArrayList<>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
        Compressed.decompressed(path, Files.newInputStream(file)), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while (lines.size() < 2 && (line = in.readLine()) != null) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    } catch (java.io.EOFException e) {
      // a truncated gzip stream: the lines read so far; ExampleGen's reader names the damage
    }
    char best = ',';
    int bestCount = 0;
    for (char c : CANDIDATES.toCharArray()) {
      int header = lines.isEmpty() ? 0 : count(lines.get(0), c);
      if (header > bestCount && (lines.size() < 2 || count(lines.get(1), c) == header)) {
        best = c;
        bestCount = header;
      }
    }
    return best == '\t' ? "\\t" : String.valueOf(best);
  }

  /** Occurrences of {@code c} outside double quotes. */
  private static int count(String line, char c) {
    int n = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char x = line.charAt(i);
      if (x == '"') {
        quoted = !quoted;
      } else if (x == c && !quoted) {
        n++;
      }
    }
    return n;
  }

  private static DataProfile profile(Path file, ExampleGenParams params,
      java.util.function.Function<List<String>, String> labelOf, Integer inferRows) throws IOException {
    String path = params.input();
    DataSchema schema = InputRecords.schema(params);
    Set<String> nulls = InputRecords.nullValues(params);
    var cols = new ArrayList<Column>();
    schema.features().forEach(f -> cols.add(new Column(f)));
    long rows = 0;
    long bad = 0;
    String firstBad = null;
    var markers = new java.util.TreeMap<String, java.util.Set<String>>();
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
          if (r.error() == null && r.fields() != null && r.fields().size() == cols.size()) {
            for (int i = 0; i < cols.size(); i++) { // a marker in a number column (within the typing's tolerance)
              String v = r.fields().get(i);
              FeatureType t = cols.get(i).type();
              if (v != null && (t == FeatureType.INT || t == FeatureType.FLOAT) && MARKERS.contains(v.strip())
                  && !number(v)) {
                markers.computeIfAbsent(v.strip(), k -> new java.util.TreeSet<>()).add(cols.get(i).name());
              }
            }
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
    String format = params.format().spelling() + (params.delimiter().equals("\t") ? " (tab)"
        : params.delimiter().equals(",") ? "" : " ('" + params.delimiter() + "')")
        + (Compressed.isGzip(path) ? ", gzip" : "");
    for (Column c : cols) { // a text column of numbers and markers past the typing's tolerance
      if (c.type() == FeatureType.STRING && c.numbersOrMarkers && !c.markerValues.isEmpty()
          && (c.moreDistinct || c.counts.size() > c.markerValues.size())) {
        c.markerValues.forEach(v -> markers.computeIfAbsent(v, k -> new java.util.TreeSet<>()).add(c.name()));
      }
    }
    // null_values is the file's, not a column's: a marker that a text column or the label holds as a value
    // ("None" of a damage column) stays a value there, and so is not taken.
    for (Column c : cols) {
      if (c.type() == FeatureType.STRING && !c.numbersOrMarkers) {
        markers.keySet().removeIf(c.counts::containsKey);
      }
    }
    return new DataProfile(file, format, params.delimiter(), inferRows, rows, cols, bad, firstBad, markers, null);
  }
}
