package org.millrace.api.data;

import com.fasterxml.jackson.annotation.JsonValue;
import org.millrace.api.spec.Spellings;

/**
 * A file format ExampleGen reads: {@code csv}, {@code jsonl} (one JSON object per line),
 * {@code arrow} (Arrow IPC files) or {@code parquet}.
 */
public enum InputFormat {
  CSV(true),
  JSONL(true),
  ARROW(false),
  PARQUET(false);

  private final boolean text;

  InputFormat(boolean text) {
    this.text = text;
  }

  /** Whether rows are text records (read in byte ranges, with null values and a record size limit). */
  public boolean text() {
    return text;
  }

  /** The spelling in parameters: {@code csv}, {@code jsonl}, {@code arrow} or {@code parquet}. */
  @JsonValue
  public String spelling() {
    return Spellings.of(this);
  }

  /** Reads a spelling (any case); a wrong one fails naming {@code path} and the allowed values. */
  public static InputFormat parse(String value, String path) {
    return Spellings.parse(InputFormat.class, value, path);
  }

  /**
   * The format a file's name implies: {@code .jsonl}/{@code .ndjson} JSON lines, {@code .arrow},
   * {@code .parquet}, anything else CSV.
   */
  public static InputFormat ofFileName(String name) {
    return name.endsWith(".jsonl") || name.endsWith(".ndjson") ? JSONL
        : name.endsWith(".arrow") ? ARROW : name.endsWith(".parquet") ? PARQUET : CSV;
  }
}
