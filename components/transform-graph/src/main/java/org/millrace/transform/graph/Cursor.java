package org.millrace.transform.graph;

/**
 * The value of one feature pipeline while its ops run on a row: a number, a string or a category
 * index. Mutable and reused across rows by one thread; never shared.
 */
final class Cursor {
  enum Kind { NUM, STR, IDX }

  Kind kind;
  double num;
  String str;
  int idx;
  /** Number of categories when {@code kind == IDX}. */
  int size;
  boolean missing;
  /** Whether the raw value was missing (for is-missing indicators). */
  boolean wasMissing;

  void number(double v, boolean isMissing) {
    kind = Kind.NUM;
    num = v;
    str = null;
    missing = isMissing;
    wasMissing = isMissing;
  }

  void string(String v) {
    kind = Kind.STR;
    str = v;
    missing = v == null;
    wasMissing = missing;
  }

  void index(int i, int n) {
    kind = Kind.IDX;
    idx = i;
    size = n;
    missing = false;
  }
}
