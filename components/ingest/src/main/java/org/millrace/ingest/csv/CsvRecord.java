package org.millrace.ingest.csv;

import java.util.List;

/**
 * One CSV record: the line it starts on (1-based), its decoded fields, and its raw text. When the
 * bytes are not valid UTF-8, {@code fields} is null and {@code error} says where.
 */
public record CsvRecord(long line, List<String> fields, String raw, String error) {}
