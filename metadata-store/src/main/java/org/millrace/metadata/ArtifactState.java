package org.millrace.metadata;

/** Lifecycle of an artifact's files. */
public enum ArtifactState {
  PENDING,
  LIVE,
  MARKED_FOR_DELETION,
  DELETED
}
