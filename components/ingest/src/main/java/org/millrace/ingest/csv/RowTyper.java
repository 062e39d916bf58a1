package org.millrace.ingest.csv;

import java.util.List;
import java.util.Set;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;

/** Types the fields of a CSV record against a schema and appends them to a batch. */
public final class RowTyper {
  private final DataSchema schema;
  private final Set<String> nullValues;
  private final int maxNullLength;
  private final FeatureType[] types;
  private final boolean[] nullable;
  private final long[] longs;
  private final double[] doubles;
  private final boolean[] missing;
  /** The ASCII null markers' bytes (a non-ASCII marker never equals an ASCII field). */
  private final byte[][] asciiNulls;

  public RowTyper(DataSchema schema, Set<String> nullValues) {
    this.schema = schema;
    this.nullValues = Set.copyOf(nullValues);
    this.asciiNulls = nullValues.stream().filter(v -> v.chars().allMatch(c -> c < 0x80))
        .map(v -> v.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    this.maxNullLength = nullValues.stream().mapToInt(String::length).max().orElse(-1);
    int n = schema.size();
    this.types = new FeatureType[n];
    this.nullable = new boolean[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.features().get(i).type();
      nullable[i] = schema.features().get(i).nullable();
    }
    this.longs = new long[n];
    this.doubles = new double[n];
    this.missing = new boolean[n];
  }

  /** Whether a field is missing: null, or one of the null markers. */
  public boolean isMissing(String v) {
    return isNull(v);
  }

  private boolean isNull(String v) {
    return v == null || (v.length() <= maxNullLength && nullValues.contains(v));
  }

  /**
   * Types the fields and appends them as a row, parsing each value once; returns null, or (appending
   * nothing) the same problem {@link #check} names.
   */
  public String tryAppend(BatchBuilder b, List<String> fields) {
    if (fields.size() != types.length) {
      return problem(fields);
    }
    CsvReader.Fields bytes = fields instanceof CsvReader.Fields f ? f : null;
    TypedFields typed = fields instanceof TypedFields t ? t : null;
    for (int i = 0; i < types.length; i++) {
      if (typed != null) {
        // The value its text would parse to (Long.toString and Double.toString round-trip).
        if (types[i] == FeatureType.INT && typed.isLong(i)) {
          missing[i] = false;
          longs[i] = typed.longAt(i);
          continue;
        }
        if (types[i] == FeatureType.FLOAT && typed.isDouble(i)) {
          missing[i] = false;
          doubles[i] = typed.doubleAt(i);
          continue;
        }
      }
      if (bytes != null && bytes.ascii(i) && (types[i] == FeatureType.INT || types[i] == FeatureType.FLOAT)
          && typedFromBytes(bytes, i)) {
        if (missing[i] && !nullable[i]) {
          return problem(fields);
        }
        continue;
      }
      String v = fields.get(i);
      missing[i] = isNull(v);
      if (missing[i]) {
        if (!nullable[i]) {
          return problem(fields);
        }
        continue;
      }
      try {
        switch (types[i]) {
          case INT -> longs[i] = Long.parseLong(v.trim());
          case FLOAT -> {
            doubles[i] = Decimals.parseDouble(v.trim());
          }
          case BOOL -> {
            String t = v.trim();
            if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
              return problem(fields);
            }
            longs[i] = t.equalsIgnoreCase("true") ? 1 : 0;
          }
          case STRING -> { }
        }
      } catch (NumberFormatException e) {
        return problem(fields);
      }
    }
    int r = b.newRow();
    for (int i = 0; i < types.length; i++) {
      if (missing[i]) {
        continue;
      }
      switch (types[i]) {
        case INT -> b.setLong(i, r, longs[i]);
        case FLOAT -> b.setDouble(i, r, doubles[i]);
        case BOOL -> b.setBool(i, r, longs[i] == 1);
        case STRING -> b.setString(i, r, fields.get(i));
      }
    }
    return null;
  }

  /**
   * Types an ASCII number field from the record's bytes, without making its string: a null marker,
   * or a plain integer or decimal ({@link Decimals}). False when the field needs the string path
   * (spaces, an exponent, a value that fails), which then gives the same value or problem.
   */
  private boolean typedFromBytes(CsvReader.Fields f, int i) {
    byte[] b = f.bytes();
    int from = f.start(i);
    int to = f.end(i);
    for (byte[] marker : asciiNulls) {
      if (java.util.Arrays.equals(b, from, to, marker, 0, marker.length)) {
        missing[i] = true;
        return true;
      }
    }
    missing[i] = false;
    if (types[i] == FeatureType.INT) {
      long v = Decimals.parsePlainLong(b, from, to);
      if (v == Decimals.NOT_PLAIN) {
        return false;
      }
      longs[i] = v;
      return true;
    }
    double v = Decimals.parsePlainDouble(b, from, to);
    if (Double.isNaN(v)) {
      return false;
    }
    doubles[i] = v;
    return true;
  }

  private String problem(List<String> fields) {
    String p = check(fields);
    if (p == null) {
      throw new IllegalStateException("BUG: fields " + fields + " failed typing but pass the check");
    }
    return p;
  }

  /** Why the fields cannot be typed (naming the column and the value), or null when they can. */
  public String check(List<String> fields) {
    if (fields.size() != schema.size()) {
      return "expected " + schema.size() + " fields " + schema.names() + ", got " + fields.size();
    }
    for (int i = 0; i < fields.size(); i++) {
      Feature f = schema.features().get(i);
      String v = fields.get(i);
      if (v == null || nullValues.contains(v)) {
        if (!f.nullable()) {
          return "column '" + f.name() + "' (" + (i + 1) + ") expected a " + f.type().label() + " value (not nullable),"
              + " got missing " + (v == null ? "null" : "'" + v + "'");
        }
        continue;
      }
      if (!parses(f, v)) {
        return "column '" + f.name() + "' (" + (i + 1) + ") expected " + f.type().label() + ", got '" + v + "'";
      }
    }
    return null;
  }

  static boolean parses(Feature f, String v) {
    String t = v.trim();
    switch (f.type()) {
      case INT -> {
        try {
          Long.parseLong(t);
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      case FLOAT -> {
        try {
          Decimals.parseDouble(t);
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      case BOOL -> {
        return t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false");
      }
      default -> {
        return true;
      }
    }
  }
}
