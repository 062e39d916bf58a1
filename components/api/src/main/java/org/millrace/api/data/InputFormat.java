package org.millrace.api.data;

import com.fasterxml.jackson.annotation.JsonValue;
import org.millrace.api.spec.Spellings;

/**
 * A file format ExampleGen reads: {@code csv}, {@code jsonl} (one JSON object per line),
 * {@code json} (a JSON array of objects), {@code arrow} (Arrow IPC files) or {@code parquet}.
 */
public enum InputFormat {
  CSV(true),
  JSONL(true),
  JSON(true),
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

  /** The spelling in parameters: {@code csv}, {@code jsonl}, {@code json}, {@code arrow} or {@code parquet}. */
  @JsonValue
  public String spelling() {
    return Spellings.of(this);
  }

  /** Reads a spelling (any case); a wrong one fails naming {@code path} and the allowed values. */
  public static InputFormat parse(String value, String path) {
    return Spellings.parse(InputFormat.class, value, path);
  }

  /**
   * The format a file's name implies, after a {@code .gz} suffix is set aside (case-insensitive):
   * {@code .jsonl}/{@code .ndjson} JSON lines, {@code .json} a JSON array, {@code .arrow},
   * {@code .parquet}, anything else CSV.
   */
  public static InputFormat ofFileName(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    n = n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
    return n.endsWith(".jsonl") || n.endsWith(".ndjson") ? JSONL : n.endsWith(".json") ? JSON
        : n.endsWith(".arrow") ? ARROW : n.endsWith(".parquet") ? PARQUET : CSV;
  }
}
