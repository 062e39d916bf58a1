package org.millrace.ingest.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

/**
 * Infers a schema from the header and the first rows of a CSV file. Per column, the narrowest
 * type every non-missing sampled value parses as wins: int, then float, then bool, else string —
 * with one tolerance: a column whose sampled values are numbers except for at most 1% of them
 * (rounded down; so none in a sample under 100 values) is numeric, and the rows holding those
 * few other values are bad rows when the data is read (failing, or quarantined, naming file, line,
 * column and value) rather than turning the whole column into text. Inferred columns are nullable.
 */
public final class SchemaInference {
  /** The fraction of a numeric column's sampled values that may be something else (bad rows). */
  public static final double NON_NUMERIC_TOLERANCE = 0.01;

  private SchemaInference() {}

  /** The file has a header but no data row to infer types from. */
  public static final class NoRowsException extends IllegalArgumentException {
    NoRowsException(String message) {
      super(message);
    }
  }

  /**
   * The header's column names; fails naming the file when there is no header. A column without a
   * name is named as pandas names it, {@code Unnamed: <i>} (i counted from 0): pandas's {@code
   * to_csv} writes its index so, and a trailing separator ends a header so.
   */
  public static List<String> header(CsvReader reader, String file) throws IOException {
    CsvRecord h = reader.next();
    if (h == null || h.fields() == null || h.fields().isEmpty() || h.fields().stream().allMatch(String::isBlank)) {
      throw new IllegalArgumentException(file + " line 1: expected a header row of column names, got "
          + (h == null ? "an empty file" : h.error() != null ? h.error() + notUtf8(h.error()) : "'" + h.raw() + "'"));
    }
    var names = new java.util.ArrayList<String>(h.fields().size());
    for (int i = 0; i < h.fields().size(); i++) {
      String name = h.fields().get(i);
      names.add(name.isBlank() ? "Unnamed: " + i : name);
    }
    var seen = new java.util.HashMap<String, Integer>();
    for (int i = 0; i < names.size(); i++) {
      Integer before = seen.putIfAbsent(names.get(i), i + 1);
      if (before != null) {
        throw new IllegalArgumentException(file + " line 1: expected unique column names, got '" + names.get(i)
            + "' as columns " + before + " and " + (i + 1) + " of " + h.fields());
      }
    }
    return List.copyOf(names);
  }

  /**
   * What to do about a header that is not UTF-8: Excel's "Unicode Text" is UTF-16 (its byte order
   * mark 0xFF 0xFE first), its "CSV (Comma delimited)" Windows-1252 ('año' as 0xF1).
   */
  static String notUtf8(String problem) {
    if (!problem.contains("expected UTF-8 text")) {
      return "";
    }
    boolean utf16 = problem.matches(".*invalid byte 0x(FF|FE) at byte offset 0 .*");
    return utf16 ? ". The file is UTF-16 (it begins with a byte order mark; Excel's 'Unicode Text'): save it as"
        + " UTF-8 ('CSV UTF-8' in Excel)" : ". Is the file in another encoding (Windows-1252, Latin-1)? Save it as"
        + " UTF-8 ('CSV UTF-8' in Excel)";
  }

  private static final Feature INT = Feature.of("x", FeatureType.INT, true);
  private static final Feature FLOAT = Feature.of("x", FeatureType.FLOAT, true);
  private static final Feature BOOL = Feature.of("x", FeatureType.BOOL, true);

  public static DataSchema infer(InputStream in, String file, char delimiter, Set<String> nullValues, int sampleRows)
      throws IOException {
    return infer(in, file, delimiter, nullValues, sampleRows, CsvReader.DEFAULT_MAX_RECORD_BYTES);
  }

  /** As above, skipping sampled records longer than {@code maxRecordBytes} (they are bad rows when read). */
  public static DataSchema infer(InputStream in, String file, char delimiter, Set<String> nullValues, int sampleRows,
      long maxRecordBytes) throws IOException {
    try (var reader = new CsvReader(in, delimiter, 0, 1, maxRecordBytes)) {
      List<String> names = header(reader, file);
      int n = names.size();
      boolean[] notInt = new boolean[n];
      long[] values = new long[n];
      long[] notNumber = new long[n];
      boolean[] notBool = new boolean[n];
      boolean[] seenValue = new boolean[n];
      boolean[] missing = new boolean[n];
      CsvRecord r;
      int sampled = 0;
      for (int rows = 0; rows < sampleRows && (r = reader.next()) != null; rows++) {
        if (r.raw().isEmpty() && r.error() == null) {
          rows--;
          continue; // a blank line is not a record
        }
        sampled++;
        if (r.fields() == null || r.fields().size() != n) {
          continue; // bad rows are reported when the data is read
        }
        for (int i = 0; i < n; i++) {
          String v = r.fields().get(i);
          if (nullValues.contains(v)) {
            missing[i] = true;
            continue;
          }
          seenValue[i] = true;
          values[i]++;
          boolean isInt = RowTyper.parses(INT, v);
          boolean isFloat = isInt || RowTyper.parses(FLOAT, v);
          if (!isFloat) {
            notNumber[i]++; // tolerated up to NON_NUMERIC_TOLERANCE: counted apart from the numbers' own type
          } else {
            notInt[i] |= !isInt;
          }
          notBool[i] |= !RowTyper.parses(BOOL, v);
        }
      }
      if (sampled == 0) {
        throw new NoRowsException(file + ": expected data rows after the header to infer column types from, got none");
      }
      var features = new ArrayList<Feature>();
      for (int i = 0; i < n; i++) {
        boolean numeric = notNumber[i] <= (long) Math.floor(NON_NUMERIC_TOLERANCE * values[i])
            && notNumber[i] < values[i];
        FeatureType t = !seenValue[i] ? FeatureType.STRING
            : numeric && !notInt[i] ? FeatureType.INT : numeric ? FeatureType.FLOAT
            : !notBool[i] ? FeatureType.BOOL : FeatureType.STRING;
        // Inferred columns are nullable: how often a value may be missing is SchemaGen's call, not ingest's.
        features.add(Feature.of(names.get(i), t, true));
      }
      return new DataSchema(features);
    }
  }
}
