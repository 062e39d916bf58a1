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

  public RowTyper(DataSchema schema, Set<String> nullValues) {
    this.schema = schema;
    this.nullValues = Set.copyOf(nullValues);
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
    for (int i = 0; i < types.length; i++) {
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
            String t = v.trim();
            char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
            if (last == 'd' || last == 'f' || last == 'D' || last == 'F') {
              return problem(fields);
            }
            doubles[i] = Decimals.parseDouble(t);
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
          Double.parseDouble(t);
          return !t.isEmpty() && !t.endsWith("d") && !t.endsWith("f") && !t.endsWith("D") && !t.endsWith("F");
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
