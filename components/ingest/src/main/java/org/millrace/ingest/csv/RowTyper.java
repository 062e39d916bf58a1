package org.millrace.ingest.csv;

import java.util.List;
import java.util.Set;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;

/** Types the fields of a CSV record against a schema and appends them to a batch. */
public final class RowTyper {
  private final DataSchema schema;
  private final Set<String> nullValues;

  public RowTyper(DataSchema schema, Set<String> nullValues) {
    this.schema = schema;
    this.nullValues = Set.copyOf(nullValues);
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

  /** Appends checked fields as a row. */
  public void append(BatchBuilder b, List<String> fields) {
    int r = b.newRow();
    for (int i = 0; i < fields.size(); i++) {
      String v = fields.get(i);
      if (v == null || nullValues.contains(v)) {
        continue;
      }
      switch (schema.features().get(i).type()) {
        case INT -> b.setLong(i, r, Long.parseLong(v.trim()));
        case FLOAT -> b.setDouble(i, r, Double.parseDouble(v.trim()));
        case BOOL -> b.setBool(i, r, Boolean.parseBoolean(v.trim()));
        case STRING -> b.setString(i, r, v);
      }
    }
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
