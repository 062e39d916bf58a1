package org.millrace.metadata;

/** What a type describes. */
public enum TypeKind {
  ARTIFACT,
  EXECUTION,
  CONTEXT
}
