package org.millrace.transform.graph;

/** Reads raw values (as parsed from JSON or taken from a batch) the same way everywhere. */
final class Values {
  private Values() {}

  static double toDouble(Object v, InputFeature f, String pipeline) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new IllegalArgumentException("feature '" + f.name() + "' expected a number (for '" + pipeline
        + "'), got " + v.getClass().getSimpleName() + " '" + v + "'");
  }

  /** The categorical text of a value: INT features print as integers, FLOAT as Java doubles. */
  static String toText(Object v, InputFeature f) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number n) {
      switch (f.type()) {
        case INT:
          return Long.toString(n.longValue());
        case FLOAT:
          return Double.toString(n.doubleValue());
        default:
          return n.toString();
      }
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    throw new IllegalArgumentException("feature '" + f.name() + "' expected a string, number or boolean, got "
        + v.getClass().getSimpleName() + " '" + v + "'");
  }
}
