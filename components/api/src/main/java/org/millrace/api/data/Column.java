package org.millrace.api.data;

import java.util.Arrays;
import java.util.BitSet;

/**
 * One column of a {@link Batch}: primitive arrays plus a null mask. Columns are immutable by
 * contract: nobody writes to the arrays after construction.
 */
public sealed interface Column {

  /** Number of rows. */
  int size();

  /** Rows without a value. */
  BitSet nulls();

  default boolean isNull(int row) {
    return nulls().get(row);
  }

  /** The boxed value of a row, or null; for tests, serving and error messages, not hot loops. */
  Object get(int row);

  /** int64 values. */
  record Longs(long[] values, BitSet nulls) implements Column {
    public int size() {
      return values.length;
    }

    public Object get(int row) {
      return isNull(row) ? null : values[row];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Longs c && Arrays.equals(values, c.values) && nulls.equals(c.nulls);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values) * 31 + nulls.hashCode();
    }
  }

  /** float64 values. A null row may hold any value; NaN is a value, not a null. */
  record Doubles(double[] values, BitSet nulls) implements Column {
    public int size() {
      return values.length;
    }

    public Object get(int row) {
      return isNull(row) ? null : values[row];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Doubles c && Arrays.equals(values, c.values) && nulls.equals(c.nulls);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values) * 31 + nulls.hashCode();
    }
  }

  /** UTF-8 strings; a null array entry is a missing value and is also set in {@code nulls}. */
  record Strings(String[] values, BitSet nulls) implements Column {
    public int size() {
      return values.length;
    }

    public Object get(int row) {
      return isNull(row) ? null : values[row];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Strings c && Arrays.equals(values, c.values) && nulls.equals(c.nulls);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values) * 31 + nulls.hashCode();
    }
  }

  /** Booleans. */
  record Bools(boolean[] values, BitSet nulls) implements Column {
    public int size() {
      return values.length;
    }

    public Object get(int row) {
      return isNull(row) ? null : values[row];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bools c && Arrays.equals(values, c.values) && nulls.equals(c.nulls);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values) * 31 + nulls.hashCode();
    }
  }

  /** Dense float32 vectors of {@code width} values per row, row-major. */
  record FloatVectors(float[] values, int width, BitSet nulls) implements Column {
    public FloatVectors {
      if (width <= 0 || values.length % width != 0) {
        throw new IllegalArgumentException(
            "float vectors expected a positive width dividing " + values.length + ", got " + width);
      }
    }

    public int size() {
      return values.length / width;
    }

    public Object get(int row) {
      return isNull(row) ? null : Arrays.copyOfRange(values, row * width, (row + 1) * width);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FloatVectors c && width == c.width && Arrays.equals(values, c.values)
          && nulls.equals(c.nulls);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values) * 31 + width;
    }
  }
}
