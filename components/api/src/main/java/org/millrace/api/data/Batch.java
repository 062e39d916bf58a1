package org.millrace.api.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable batch of rows in columnar form: what flows through Beam (one element per batch of
 * thousands of rows, never one per row) and what Arrow IPC files hold on disk.
 */
public record Batch(DataSchema schema, List<Column> columns) {

  public Batch {
    columns = List.copyOf(columns);
    if (columns.size() != schema.size()) {
      throw new IllegalArgumentException(String.format(
          "batch expected %d columns for schema %s, got %d", schema.size(), schema.names(), columns.size()));
    }
    int rows = columns.isEmpty() ? 0 : columns.get(0).size();
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      Feature f = schema.features().get(i);
      if (c.size() != rows) {
        throw new IllegalArgumentException(String.format(
            "batch column '%s' expected %d rows, got %d", f.name(), rows, c.size()));
      }
      if (!matches(f, c)) {
        throw new IllegalArgumentException(String.format(
            "batch column '%s' expected %s for type %s%s, got %s", f.name(), expectedColumn(f),
            f.type().label(), f.isVector() ? " shape " + f.shape() : "", c.getClass().getSimpleName()));
      }
    }
  }

  /** Number of rows. */
  public int rowCount() {
    return columns.isEmpty() ? 0 : columns.get(0).size();
  }

  /** The column of a feature, by name. */
  public Column column(String name) {
    int i = schema.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          String.format("column expected one of %s, got '%s'", schema.names(), name));
    }
    return columns.get(i);
  }

  public Column column(int index) {
    return columns.get(index);
  }

  /** One row as a name to value map (nulls kept), for serving and tests. */
  public Map<String, Object> row(int row) {
    var out = new LinkedHashMap<String, Object>();
    for (int i = 0; i < columns.size(); i++) {
      out.put(schema.features().get(i).name(), columns.get(i).get(row));
    }
    return out;
  }

  /** Rows {@code [from, to)} as a new batch. */
  public Batch slice(int from, int to) {
    var out = new ArrayList<Column>(columns.size());
    for (Column c : columns) {
      BitSet nulls = c.nulls().get(from, to);
      Column sliced;
      if (c instanceof Column.Longs l) {
        sliced = new Column.Longs(Arrays.copyOfRange(l.values(), from, to), nulls);
      } else if (c instanceof Column.Doubles d) {
        sliced = new Column.Doubles(Arrays.copyOfRange(d.values(), from, to), nulls);
      } else if (c instanceof Column.Strings s) {
        sliced = new Column.Strings(Arrays.copyOfRange(s.values(), from, to), nulls);
      } else if (c instanceof Column.Bools b) {
        sliced = new Column.Bools(Arrays.copyOfRange(b.values(), from, to), nulls);
      } else {
        var v = (Column.FloatVectors) c;
        sliced = new Column.FloatVectors(
            Arrays.copyOfRange(v.values(), from * v.width(), to * v.width()), v.width(), nulls);
      }
      out.add(sliced);
    }
    return new Batch(schema, out);
  }

  /** Concatenates batches of one schema. */
  public static Batch concat(DataSchema schema, List<Batch> batches) {
    var builder = new BatchBuilder(schema, batches.stream().mapToInt(Batch::rowCount).sum());
    for (Batch b : batches) {
      if (!b.schema().equals(schema)) {
        throw new IllegalArgumentException(
            "concat expected batches of schema " + schema.names() + ", got " + b.schema().names());
      }
      for (int r = 0; r < b.rowCount(); r++) {
        builder.addRow(b, r);
      }
    }
    return builder.build();
  }

  static boolean matches(Feature f, Column c) {
    if (f.isVector()) {
      return c instanceof Column.FloatVectors v && v.width() == f.width();
    }
    return switch (f.type()) {
      case INT -> c instanceof Column.Longs;
      case FLOAT -> c instanceof Column.Doubles;
      case STRING -> c instanceof Column.Strings;
      case BOOL -> c instanceof Column.Bools;
    };
  }

  private static String expectedColumn(Feature f) {
    if (f.isVector()) {
      return "FloatVectors of width " + f.width();
    }
    return switch (f.type()) {
      case INT -> "Longs";
      case FLOAT -> "Doubles";
      case STRING -> "Strings";
      case BOOL -> "Bools";
    };
  }
}
