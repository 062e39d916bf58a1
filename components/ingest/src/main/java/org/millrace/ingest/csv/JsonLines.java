package org.millrace.ingest.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

/**
 * JSON lines: one JSON object per line. Each object becomes the same field list a CSV record
 * gives (null for a missing key or JSON null), so typing, splitting and bad-row handling are shared.
 */
public final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  /**
   * The fields of one line of bytes in schema order, or an error when it is not UTF-8 (naming the
   * byte offset; the row keeps the bytes as {@code \xNN}) or not an object of known keys.
   */
  public static CsvRecord record(LineReader.Line line, DataSchema schema, long maxRecordBytes) {
    if (line.tooLong()) {
      return new CsvRecord(line.number(), null, Utf8.escape(line.bytes()) + "... [" + (line.length()
          - line.bytes().length) + " more bytes]", "line longer than max_record_bytes (" + maxRecordBytes
          + " bytes; it has " + line.length() + ")");
    }
    int bad = Utf8.firstInvalid(line.bytes());
    if (bad >= 0) {
      return new CsvRecord(line.number(), null, Utf8.escape(line.bytes()),
          Utf8.problem(line.bytes(), bad, line.offset(), "line"));
    }
    String text = new String(line.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    return text.isBlank() ? new CsvRecord(line.number(), List.of(), "", null) : record(line.number(), text, schema);
  }

  /** The fields of one line in schema order, or an error when it is not an object of known keys. */
  public static CsvRecord record(long line, String text, DataSchema schema) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      return new CsvRecord(line, null, text, "expected a JSON object, got invalid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      return new CsvRecord(line, null, text, "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (schema.indexOf(key) < 0) {
        return new CsvRecord(line, null, text, "field '" + key + "' expected one of " + schema.names()
            + ", got an unknown field");
      }
    }
    var fields = new ArrayList<String>(schema.size());
    for (Feature f : schema.features()) {
      JsonNode v = node.get(f.name());
      if (v == null || v.isNull()) {
        fields.add(null);
      } else if (v.isContainerNode()) {
        return new CsvRecord(line, null, text, "field '" + f.name() + "' expected "
            + (f.type() == FeatureType.INT ? "an " : "a ") + f.type().label()
            + " value, got " + (v.isObject() ? "a JSON object" : "a JSON array") + ": ExampleGen reads flat records"
            + " (strings, numbers, bools); flatten it into fields of their own ('" + f.name() + "."
            + (v.isObject() && v.fieldNames().hasNext() ? v.fieldNames().next() : "0") + "') first");
      } else {
        fields.add(v.asText());
      }
    }
    return new CsvRecord(line, fields, text, null);
  }

  /** Infers a schema from the first {@code sampleRows} objects: keys in first-seen order, narrowest type. */
  public static DataSchema infer(InputStream stream, String file, int sampleRows) throws IOException {
    return infer(stream, file, sampleRows, CsvReader.DEFAULT_MAX_RECORD_BYTES);
  }

  /** As {@link #infer(InputStream, String, int)}, skipping lines longer than {@code maxRecordBytes}. */
  public static DataSchema infer(InputStream stream, String file, int sampleRows, long maxRecordBytes)
      throws IOException {
    Map<String, FeatureType> types = new LinkedHashMap<>();
    // Per key: values that are JSON numbers, and values that are anything else (strings, booleans).
    Map<String, long[]> counts = new java.util.HashMap<>();
    var in = new LineReader(stream, 0, 1, maxRecordBytes);
    LineReader.Line l;
    int rows = 0;
    long line = 0;
    while (rows < sampleRows && (l = in.next()) != null) {
      line++;
      if (l.tooLong() || Utf8.firstInvalid(l.bytes()) >= 0) {
        continue; // reported as a bad row when the data is read
      }
      String text = new String(l.bytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (text.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (IOException e) {
        continue; // reported as a bad row when the data is read
      }
      if (node == null || !node.isObject()) {
        continue;
      }
      rows++;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        FeatureType t = typeOf(e.getValue());
        if (t != null) {
          types.merge(e.getKey(), t, JsonLines::widen);
          long[] c = counts.computeIfAbsent(e.getKey(), k -> new long[3]);
          c[t == FeatureType.INT ? 0 : t == FeatureType.FLOAT ? 1 : 2]++;
        } else {
          types.putIfAbsent(e.getKey(), null);
        }
      }
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException(file + ": expected JSON objects in the first " + sampleRows
          + " lines to infer a schema from, got none (" + line + " lines read)");
    }
    var features = new ArrayList<Feature>();
    types.forEach((k, t) -> features.add(Feature.of(k, t == null ? FeatureType.STRING : tolerated(t, counts.get(k)),
        true)));
    return new DataSchema(features);
  }

  /**
   * CSV's tolerance ({@link SchemaInference#NON_NUMERIC_TOLERANCE}) for JSON too: a key whose
   * sampled values are numbers but for at most 1% of them (a {@code "n": "many"} among integers)
   * is numeric, and the objects holding those few other values are bad rows when the data is read,
   * rather than the whole key turning into text, a category per number, without a word.
   */
  private static FeatureType tolerated(FeatureType widened, long[] c) {
    if (widened != FeatureType.STRING || c == null) {
      return widened;
    }
    long numbers = c[0] + c[1];
    if (numbers > 0 && c[2] <= (long) Math.floor(SchemaInference.NON_NUMERIC_TOLERANCE * (numbers + c[2]))) {
      return c[1] > 0 ? FeatureType.FLOAT : FeatureType.INT;
    }
    return widened;
  }

  private static FeatureType typeOf(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return FeatureType.INT;
    }
    if (v.isNumber()) {
      return FeatureType.FLOAT;
    }
    if (v.isBoolean()) {
      return FeatureType.BOOL;
    }
    return FeatureType.STRING;
  }

  private static FeatureType widen(FeatureType a, FeatureType b) {
    if (a == null) {
      return b;
    }
    if (b == null || a == b) {
      return a;
    }
    if ((a == FeatureType.INT && b == FeatureType.FLOAT) || (a == FeatureType.FLOAT && b == FeatureType.INT)) {
      return FeatureType.FLOAT;
    }
    return FeatureType.STRING;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
