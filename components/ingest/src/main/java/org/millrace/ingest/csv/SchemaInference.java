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
 * type every non-missing sampled value parses as wins: int, then float, then bool, else string.
 * Inferred columns are nullable.
 */
public final class SchemaInference {
  private SchemaInference() {}

  /** The header's column names; fails naming the file when there is no header. */
  public static List<String> header(CsvReader reader, String file) throws IOException {
    CsvRecord h = reader.next();
    if (h == null || h.fields() == null || h.fields().isEmpty() || h.fields().stream().allMatch(String::isBlank)) {
      throw new IllegalArgumentException(file + " line 1: expected a header row of column names, got "
          + (h == null ? "an empty file" : h.error() != null ? h.error() : "'" + h.raw() + "'"));
    }
    var seen = new java.util.HashSet<String>();
    for (String name : h.fields()) {
      if (name.isBlank() || !seen.add(name)) {
        throw new IllegalArgumentException(file + " line 1: expected unique, non-empty column names, got "
            + h.fields());
      }
    }
    return h.fields();
  }

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
      boolean[] notFloat = new boolean[n];
      boolean[] notBool = new boolean[n];
      boolean[] seenValue = new boolean[n];
      boolean[] missing = new boolean[n];
      CsvRecord r;
      for (int rows = 0; rows < sampleRows && (r = reader.next()) != null; rows++) {
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
          Feature probe = Feature.of("x", FeatureType.INT, true);
          notInt[i] |= !RowTyper.parses(probe, v);
          notFloat[i] |= !RowTyper.parses(Feature.of("x", FeatureType.FLOAT, true), v);
          notBool[i] |= !RowTyper.parses(Feature.of("x", FeatureType.BOOL, true), v);
        }
      }
      var features = new ArrayList<Feature>();
      for (int i = 0; i < n; i++) {
        FeatureType t = !seenValue[i] ? FeatureType.STRING
            : !notInt[i] ? FeatureType.INT : !notFloat[i] ? FeatureType.FLOAT : !notBool[i] ? FeatureType.BOOL
            : FeatureType.STRING;
        // Inferred columns are nullable: how often a value may be missing is SchemaGen's call, not ingest's.
        features.add(Feature.of(names.get(i), t, true));
      }
      return new DataSchema(features);
    }
  }
}
