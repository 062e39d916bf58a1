package org.millrace.metadata;

import java.time.Instant;

/** An artifact read (INPUT) or written (OUTPUT) by an execution, under an input/output key. */
public record Event(long artifactId, long executionId, EventType type, String key, int index, Instant time) {}
