package org.millrace.ingest.csv;

/**
 * The fields of a record from a typed format (Parquet), as a {@code List<String>} whose integer and
 * double values can also be had without making their text: {@link RowTyper} takes those directly,
 * and gets the value that parsing the text would give.
 */
public interface TypedFields {
  /** Whether field {@code i} holds an integer (not null), for {@link #longAt}. */
  boolean isLong(int i);

  long longAt(int i);

  /** Whether field {@code i} holds a finite double (not null), for {@link #doubleAt}. */
  boolean isDouble(int i);

  double doubleAt(int i);
}
