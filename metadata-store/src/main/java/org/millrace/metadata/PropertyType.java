package org.millrace.metadata;

/** The type of a declared property. */
public enum PropertyType {
  INT,
  DOUBLE,
  STRING,
  BOOLEAN,
  STRUCT
}
