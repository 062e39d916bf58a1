package org.millrace.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.spec.ParameterException;

/**
 * ExampleGen parameters (YAML keys in snake_case).
 *
 * @param input file or pattern with {@code *}, {@code {SPAN}} or {@code {SPAN:n}}
 * @param format {@code csv}, {@code jsonl} (one JSON object per line) or {@code arrow} (Arrow IPC files, local
 *     paths); default from the file extension
 * @param delimiter one ASCII character, default {@code ,}
 * @param nullValues field values that mean missing, default {@code ["", "NA", "null"]}
 * @param schemaFile a DataSchema YAML to read against instead of inferring one
 * @param inferSampleRows rows of the first file sampled to infer types, default 1000
 * @param splitRatios split name to hash buckets, default {@code {train: 2, eval: 1}}
 * @param splitBy a column whose value decides the split (so a user always lands in the same one)
 * @param span the span to read, default the latest
 * @param spanRange {@code [first, last]}: read every span in between (each must exist)
 * @param rollingWindow read the newest N spans
 * @param badRows {@code fail} (default) or {@code quarantine}
 * @param maxRejectedFraction with quarantine, the fraction of rejected rows that still fails the run (default 0.1)
 * @param batchSize rows per Arrow batch, default 8192
 * @param shards Arrow part files per split; default none: one part per bundle the runner wrote, each written
 *     as the data streams through (a fixed count concatenates those into exactly {@code shards} parts)
 */
public record ExampleGenParams(
    String input, String format, String delimiter, List<String> nullValues, String schemaFile,
    Integer inferSampleRows, Map<String, Integer> splitRatios, String splitBy, Long span, List<Long> spanRange,
    Integer rollingWindow, BadRows badRows,
    Double maxRejectedFraction, Integer batchSize, Integer shards) {

  /** What to do with rows that cannot be read. */
  public enum BadRows { FAIL, QUARANTINE }

  public ExampleGenParams {
    if (input == null || input.isBlank()) {
      throw new ParameterException("input", "input expected a file or pattern, got nothing");
    }
    format = format != null ? format.toLowerCase(java.util.Locale.ROOT)
        : input.endsWith(".jsonl") || input.endsWith(".ndjson") ? "jsonl"
        : input.endsWith(".arrow") ? "arrow" : "csv";
    if (!format.equals("csv") && !format.equals("jsonl") && !format.equals("arrow")) {
      throw new ParameterException("format", "format expected csv, jsonl or arrow, got '" + format + "'");
    }
    delimiter = delimiter == null ? "," : delimiter.equals("\\t") ? "\t" : delimiter;
    if (delimiter.length() != 1 || delimiter.charAt(0) > 127 || delimiter.equals("\"")) {
      throw new ParameterException("delimiter", "delimiter expected one ASCII character other than '\"', got '"
          + delimiter + "'");
    }
    nullValues = nullValues == null ? List.of("", "NA", "null") : List.copyOf(nullValues);
    inferSampleRows = inferSampleRows == null ? 1000 : inferSampleRows;
    if (inferSampleRows < 1) {
      throw new ParameterException("infer_sample_rows", "infer_sample_rows expected a positive number, got " + inferSampleRows);
    }
    // Sorted, so the bucket each split owns never depends on how the YAML happened to order them.
    splitRatios = new java.util.TreeMap<>(splitRatios == null ? defaultSplits() : splitRatios);
    if (splitRatios.isEmpty()) {
      throw new ParameterException("split_ratios", "split_ratios expected at least one split, got none");
    }
    for (var e : splitRatios.entrySet()) {
      if (!e.getKey().matches("[a-z][a-z0-9_]*") || e.getValue() == null || e.getValue() <= 0) {
        throw new ParameterException("split_ratios." + e.getKey(), "split_ratios expected lower_snake_case names with"
            + " positive bucket counts, got " + e.getKey() + ": " + e.getValue());
      }
    }
    badRows = badRows == null ? BadRows.FAIL : badRows;
    maxRejectedFraction = maxRejectedFraction == null ? 0.1 : maxRejectedFraction;
    if (maxRejectedFraction < 0 || maxRejectedFraction > 1) {
      throw new ParameterException("max_rejected_fraction", "max_rejected_fraction expected a fraction in [0, 1], got "
          + maxRejectedFraction);
    }
    batchSize = batchSize == null ? 8192 : batchSize;
    if (batchSize < 1) {
      throw new ParameterException("batch_size", "batch_size expected a positive number, got " + batchSize);
    }
    if (shards != null && shards < 1) {
      throw new ParameterException("shards", "shards expected a positive number, got " + shards);
    }
    if (span != null && span < 0) {
      throw new ParameterException("span", "span expected a non-negative number, got " + span);
    }
    int choices = (span != null ? 1 : 0) + (spanRange != null ? 1 : 0) + (rollingWindow != null ? 1 : 0);
    if (choices > 1) {
      throw new ParameterException("span", "span, span_range and rolling_window expected at most one, got " + choices);
    }
    if (spanRange != null && (spanRange.size() != 2 || spanRange.get(0) > spanRange.get(1))) {
      throw new ParameterException("span_range", "span_range expected [first, last] with first <= last, got " + spanRange);
    }
    if (rollingWindow != null && rollingWindow < 1) {
      throw new ParameterException("rolling_window", "rolling_window expected a positive number of spans, got "
          + rollingWindow);
    }
  }

  private static Map<String, Integer> defaultSplits() {
    var m = new LinkedHashMap<String, Integer>();
    m.put("train", 2);
    m.put("eval", 1);
    return m;
  }

  public static ExampleGenParams of(String input) {
    return new ExampleGenParams(input, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }
}
