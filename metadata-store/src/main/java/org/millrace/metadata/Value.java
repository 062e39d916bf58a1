package org.millrace.metadata;

/** A typed property value. */
public sealed interface Value {

  /** The property type of this value. */
  PropertyType type();

  /** The plain Java value: Long, Double, String or Boolean (STRUCT: its JSON string). */
  Object raw();

  record IntValue(long value) implements Value {
    public PropertyType type() {
      return PropertyType.INT;
    }

    public Object raw() {
      return value;
    }
  }

  record DoubleValue(double value) implements Value {
    public PropertyType type() {
      return PropertyType.DOUBLE;
    }

    public Object raw() {
      return value;
    }
  }

  record StringValue(String value) implements Value {
    public StringValue {
      if (value == null) {
        throw new IllegalArgumentException("string value expected text, got null");
      }
    }

    public PropertyType type() {
      return PropertyType.STRING;
    }

    public Object raw() {
      return value;
    }
  }

  record BoolValue(boolean value) implements Value {
    public PropertyType type() {
      return PropertyType.BOOLEAN;
    }

    public Object raw() {
      return value;
    }
  }

  /** A JSON document (object or array). */
  record StructValue(String json) implements Value {
    public StructValue {
      if (json == null) {
        throw new IllegalArgumentException("struct value expected JSON, got null");
      }
    }

    public PropertyType type() {
      return PropertyType.STRUCT;
    }

    public Object raw() {
      return json;
    }
  }

  static Value of(long v) {
    return new IntValue(v);
  }

  static Value of(double v) {
    return new DoubleValue(v);
  }

  static Value of(String v) {
    return new StringValue(v);
  }

  static Value of(boolean v) {
    return new BoolValue(v);
  }

  /** Wraps a Long/Integer/Double/Float/String/Boolean; fails clearly for anything else. */
  static Value ofObject(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return new IntValue(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return new DoubleValue(((Number) v).doubleValue());
    }
    if (v instanceof String s) {
      return new StringValue(s);
    }
    if (v instanceof Boolean b) {
      return new BoolValue(b);
    }
    throw new IllegalArgumentException("property value expected a number, string or boolean, got "
        + (v == null ? "null" : v.getClass().getSimpleName() + " '" + v + "'"));
  }
}
