package org.millrace.transform.analyze;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.millrace.api.data.Column;

/**
 * Mergeable analyzer state for one analysis point. Merging is commutative and associative down
 * to the last bit (exact sums, counts, order-free sketches), so every runner and every merge
 * tree gives the same fitted constants.
 */
public sealed interface Accumulator permits NumericStats, TermCounts {
  /** Adds the values of a batch (a {@link Column.Doubles} or {@link Column.Strings}; nulls are missing). */
  void add(Column values);

  /** Adds another accumulator of the same kind into this one. */
  void merge(Accumulator other);

  /** Rows without a value. */
  long missing();

  /** Rows with a value. */
  long count();

  /** JSON form for coders and the analyzer cache. */
  ObjectNode toJson();
}
