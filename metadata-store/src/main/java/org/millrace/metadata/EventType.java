package org.millrace.metadata;

/** Direction of an event: an artifact read or written by an execution. */
public enum EventType {
  INPUT,
  OUTPUT
}
