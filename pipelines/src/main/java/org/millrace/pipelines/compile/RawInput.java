package org.millrace.pipelines.compile;

/** An input as written: {@code from} is {@code node.output}; resolver as spelled (null = none). */
public record RawInput(String from, String resolver, Position position) {}
