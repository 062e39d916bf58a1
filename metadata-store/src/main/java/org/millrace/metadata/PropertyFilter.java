package org.millrace.metadata;

/** A condition on a (typed or custom) property: {@code name op value}. */
public record PropertyFilter(String name, Op op, Value value) {

  /** Comparison operators. */
  public enum Op {
    EQ("="),
    LT("<"),
    GT(">"),
    LE("<="),
    GE(">=");

    final String sql;

    Op(String sql) {
      this.sql = sql;
    }
  }

  public PropertyFilter {
    if (name == null || op == null || value == null) {
      throw new IllegalArgumentException("property filter expected a name, an operator and a value, got "
          + name + " " + op + " " + value);
    }
    if ((value instanceof Value.StructValue || value instanceof Value.BoolValue) && op != Op.EQ) {
      throw new IllegalArgumentException("property filter on '" + name + "' expected = for "
          + value.type() + " values, got " + op);
    }
  }

  public static PropertyFilter eq(String name, Object value) {
    return new PropertyFilter(name, Op.EQ, Value.ofObject(value));
  }
}
