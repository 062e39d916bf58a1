package org.millrace.evaluator;

/** What the Evaluator does when a slicing spec has more distinct values than {@code max_slices}. */
public enum SliceOverflow {
  /** Fail before any model runs, naming the spec and how many values it has (the default). */
  FAIL,
  /**
   * Keep the {@code max_slices} most frequent values (ties by value order) as slices; the rows of all
   * other values form one slice, {@code <spec>=<other>}.
   */
  TOP_N
}
