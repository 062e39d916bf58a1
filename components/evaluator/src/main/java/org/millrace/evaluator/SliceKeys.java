package org.millrace.evaluator;

import java.util.List;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;

/** Computes the slice keys of rows: {@code Overall}, {@code island=Biscoe}, {@code island=Biscoe,sex=MALE}. */
public final class SliceKeys {
  /** The key of the overall slice. */
  public static final String OVERALL = "Overall";

  private SliceKeys() {}

  /** The slice key of {@code row} for one slicing spec (a list of feature names, empty = overall). */
  public static String key(Batch batch, List<String> spec, int row) {
    if (spec.isEmpty()) {
      return OVERALL;
    }
    var sb = new StringBuilder();
    for (String name : spec) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(name).append('=').append(value(batch.column(name), row));
    }
    return sb.toString();
  }

  /** The text of one value without boxing (this runs per row and slicing spec). */
  static String value(Column c, int row) {
    if (c.isNull(row)) {
      return "<null>";
    }
    if (c instanceof Column.Strings s) {
      return s.values()[row];
    }
    if (c instanceof Column.Longs l) {
      return Long.toString(l.values()[row]);
    }
    if (c instanceof Column.Doubles d) {
      return Double.toString(d.values()[row]);
    }
    if (c instanceof Column.Bools b) {
      return Boolean.toString(b.values()[row]);
    }
    throw new IllegalArgumentException("slice feature expected a scalar column, got " + c.getClass().getSimpleName());
  }

  /** Checks that every slicing feature exists and is scalar in the batch. */
  public static void check(Batch batch, List<List<String>> specs) {
    for (List<String> spec : specs) {
      for (String name : spec) {
        if (batch.schema().indexOf(name) < 0) {
          throw new IllegalArgumentException(String.format(
              "slice feature expected one of %s, got '%s' in slices %s", batch.schema().names(), name, specs));
        }
        if (batch.column(name) instanceof Column.FloatVectors) {
          throw new IllegalArgumentException(String.format(
              "slice feature '%s' expected a scalar column, got a vector. Slice on a scalar feature", name));
        }
      }
    }
  }
}
