package org.millrace.api.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Appends rows to a batch under construction. Typed setters avoid boxing in hot loops; the
 * builder grows as needed. Not thread-safe.
 */
public final class BatchBuilder {
  private final DataSchema schema;
  private final Object[] arrays;
  /**
   * Per column, a bit per row that is set while the value is missing. Plain words, not a BitSet:
   * {@code BitSet.clear} rescans its words on every call that empties the top one, which made
   * building a batch without nulls quadratic in its rows.
   */
  private final long[][] nulls;
  private int rows;
  private int capacity;

  public BatchBuilder(DataSchema schema, int initialCapacity) {
    this.schema = schema;
    this.capacity = Math.max(16, initialCapacity);
    this.arrays = new Object[schema.size()];
    this.nulls = new long[schema.size()][];
    for (int i = 0; i < schema.size(); i++) {
      Feature f = schema.features().get(i);
      arrays[i] = allocate(f, capacity);
      nulls[i] = new long[(capacity + 63) >>> 6];
    }
  }

  public DataSchema schema() {
    return schema;
  }

  /** Rows added so far. */
  public int rowCount() {
    return rows;
  }

  /** Starts a new row (all values missing until set) and returns its index. */
  public int newRow() {
    if (rows == capacity) {
      grow();
    }
    int word = rows >>> 6;
    long bit = 1L << rows;
    for (long[] n : nulls) {
      n[word] |= bit;
    }
    return rows++;
  }

  public void setLong(int col, int row, long v) {
    ((long[]) arrays[col])[row] = v;
    present(col, row);
  }

  public void setDouble(int col, int row, double v) {
    ((double[]) arrays[col])[row] = v;
    present(col, row);
  }

  public void setString(int col, int row, String v) {
    if (v != null) {
      ((String[]) arrays[col])[row] = v;
      present(col, row);
    }
  }

  public void setBool(int col, int row, boolean v) {
    ((boolean[]) arrays[col])[row] = v;
    present(col, row);
  }

  public void setVector(int col, int row, float[] v, int offset) {
    int w = schema.features().get(col).width();
    System.arraycopy(v, offset, (float[]) arrays[col], row * w, w);
    present(col, row);
  }

  private void present(int col, int row) {
    nulls[col][row >>> 6] &= ~(1L << row);
  }

  /** Sets a boxed value (null leaves the value missing); checks the type. */
  public void set(int col, int row, Object value) {
    if (value == null) {
      return;
    }
    Feature f = schema.features().get(col);
    try {
      if (f.isVector()) {
        setVector(col, row, (float[]) value, 0);
        return;
      }
      switch (f.type()) {
        case INT -> setLong(col, row, ((Number) value).longValue());
        case FLOAT -> setDouble(col, row, ((Number) value).doubleValue());
        case STRING -> setString(col, row, (String) value);
        case BOOL -> setBool(col, row, (Boolean) value);
      }
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(String.format("feature '%s' expected a %s value, got %s '%s'",
          f.name(), f.type().label(), value.getClass().getSimpleName(), value), e);
    }
  }

  /** Appends a row of boxed values in schema order. */
  public void addRow(Object... values) {
    if (values.length != schema.size()) {
      throw new IllegalArgumentException(
          "row expected " + schema.size() + " values " + schema.names() + ", got " + values.length);
    }
    int r = newRow();
    for (int i = 0; i < values.length; i++) {
      set(i, r, values[i]);
    }
  }

  /** Appends row {@code row} of a batch with the same schema. */
  void addRow(Batch b, int row) {
    int r = newRow();
    for (int i = 0; i < schema.size(); i++) {
      Column c = b.column(i);
      if (c.isNull(row)) {
        continue;
      }
      if (c instanceof Column.Longs l) {
        setLong(i, r, l.values()[row]);
      } else if (c instanceof Column.Doubles d) {
        setDouble(i, r, d.values()[row]);
      } else if (c instanceof Column.Strings s) {
        setString(i, r, s.values()[row]);
      } else if (c instanceof Column.Bools bo) {
        setBool(i, r, bo.values()[row]);
      } else if (c instanceof Column.FloatVectors v) {
        setVector(i, r, v.values(), row * v.width());
      }
    }
  }

  /**
   * The batch of the rows added; the builder must not be used afterwards. A full builder hands its
   * arrays to the batch as they are; one with room left copies the rows it holds.
   */
  public Batch build() {
    var cols = new ArrayList<Column>(schema.size());
    boolean full = rows == capacity;
    for (int i = 0; i < schema.size(); i++) {
      Feature f = schema.features().get(i);
      BitSet n = BitSet.valueOf(full ? nulls[i] : Arrays.copyOf(nulls[i], (rows + 63) >>> 6));
      Object a = arrays[i];
      if (f.isVector()) {
        cols.add(new Column.FloatVectors(full ? (float[]) a : Arrays.copyOf((float[]) a, rows * f.width()),
            f.width(), n));
        continue;
      }
      cols.add(switch (f.type()) {
        case INT -> new Column.Longs(full ? (long[]) a : Arrays.copyOf((long[]) a, rows), n);
        case FLOAT -> new Column.Doubles(full ? (double[]) a : Arrays.copyOf((double[]) a, rows), n);
        case STRING -> new Column.Strings(full ? (String[]) a : Arrays.copyOf((String[]) a, rows), n);
        case BOOL -> new Column.Bools(full ? (boolean[]) a : Arrays.copyOf((boolean[]) a, rows), n);
      });
    }
    return new Batch(schema, cols);
  }

  private void grow() {
    capacity *= 2;
    for (int i = 0; i < nulls.length; i++) {
      nulls[i] = Arrays.copyOf(nulls[i], (capacity + 63) >>> 6);
    }
    for (int i = 0; i < arrays.length; i++) {
      Feature f = schema.features().get(i);
      Object a = arrays[i];
      if (a instanceof long[] l) {
        arrays[i] = Arrays.copyOf(l, capacity);
      } else if (a instanceof double[] d) {
        arrays[i] = Arrays.copyOf(d, capacity);
      } else if (a instanceof String[] s) {
        arrays[i] = Arrays.copyOf(s, capacity);
      } else if (a instanceof boolean[] b) {
        arrays[i] = Arrays.copyOf(b, capacity);
      } else if (a instanceof float[] v) {
        arrays[i] = Arrays.copyOf(v, capacity * f.width());
      } else {
        throw new IllegalStateException("BUG: unknown column array " + a.getClass());
      }
    }
  }

  private static Object allocate(Feature f, int n) {
    if (f.isVector()) {
      return new float[n * f.width()];
    }
    return switch (f.type()) {
      case INT -> new long[n];
      case FLOAT -> new double[n];
      case STRING -> new String[n];
      case BOOL -> new boolean[n];
    };
  }
}
