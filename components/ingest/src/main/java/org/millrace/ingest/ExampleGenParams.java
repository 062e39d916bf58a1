package org.millrace.ingest;

import org.millrace.api.data.FeatureType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.data.InputFormat;
import org.millrace.api.spec.ParameterException;
import org.millrace.ingest.beam.BadRows;
import org.millrace.ingest.beam.MissingLabel;

/**
 * ExampleGen parameters (YAML keys in snake_case).
 *
 * <p>Paths are local paths, {@code file://} URIs, or URIs of any filesystem registered with Beam's
 * {@code FileSystems}; patterns are resolved by {@link SpanResolver}.
 *
 * @param input file or pattern with {@code *}, {@code {SPAN}}, {@code {SPAN:n}}, {@code {YYYY}{MM}{DD}} (also
 *     in hive partitions {@code date={YYYY}-{MM}-{DD}/}) and {@code {VERSION}} / {@code {VERSION:n}} beside a
 *     span; required unless {@code inputSplits} is given
 * @param format {@code csv}, {@code jsonl} (one JSON object per line), {@code json} (a JSON array of objects, read as
 *     one range with a streaming parser), {@code arrow} (Arrow IPC files) or
 *     {@code parquet} (flat Parquet files: int32/int64 read as int, float/double as float, boolean as bool,
 *     UTF-8 strings/enums as string, dates and timestamps as ISO-8601 strings); default from the file
 *     extension ({@code .jsonl}/{@code .ndjson}, {@code .json}, {@code .arrow}, {@code .parquet}, else csv); csv, jsonl
 *     and json files whose name ends in {@code .gz} are read through gzip (each as one range), the format told by
 *     the name before {@code .gz}
 * @param delimiter one ASCII character, default {@code ,}
 * @param nullValues field values of text formats (csv, jsonl) that mean missing, default
 *     {@code ["", "NA", "null"]}; in arrow and parquet only a null is missing
 * @param schemaFile a DataSchema YAML to read against instead of inferring one
 * @param inferSampleRows rows of the first file sampled to infer types (csv, jsonl), default 1000; arrow and
 *     parquet take the types their files declare, and parquet files that disagree on a column's type fail
 * @param splitRatios split name to hash buckets, default {@code {train: 2, eval: 1}}; not with {@code inputSplits}
 * @param splitBy a column whose value decides the split (so a user always lands in the same one); not with
 *     {@code inputSplits}
 * @param span the span to read, default the latest
 * @param spanRange {@code [first, last]}: read every span in between (each must exist)
 * @param rollingWindow read the newest N spans
 * @param badRows {@code fail} (default) or {@code quarantine}
 * @param maxRejectedFraction with quarantine, the fraction of rejected rows that still fails the run (default 0.1)
 * @param batchSize rows per Arrow batch, default 8192
 * @param shards Arrow part files per split; default none: one part per range of input read (a file, or about
 *     64 MiB of a large text file), written as the data streams through and named in input order; a fixed
 *     count sends each batch to the shard of its content and concatenates each shard into one part
 * @param version with {@code {VERSION}} in the pattern: the version to read in each chosen span (each must have
 *     it), default the highest version of each span
 * @param inputSplits pre-split inputs: split name to its own pattern (spans and versions resolve per pattern and
 *     must agree across splits); replaces {@code input}, {@code splitRatios} and {@code splitBy}
 * @param maxRecordBytes the longest CSV record or JSON line, in bytes (default 64 MiB, at most 2 GiB less 16
 *     bytes): a longer one is a bad row (fails naming its file and line, or is quarantined as an excerpt), so
 *     memory stays bounded whatever the input; arrow and parquet files are not affected
 * @param label the label column, for {@code missingLabel}; optional
 * @param missingLabel with {@code label}: a row whose label is missing {@code fail}s the run naming its file
 *     and line (the default), is {@code drop}ped, or is written to the {@code quarantine} (with file and
 *     line); the counts are the Examples properties {@code missing_label_dropped} and
 *     {@code missing_label_quarantined}, and such rows do not count as rejected rows
 * @param columnTypes column name to {@code int}, {@code float}, {@code string} or {@code bool}: read the
 *     column as that type instead of the inferred one (csv, jsonl, json; not with {@code schemaFile}); a
 *     value that does not parse is a bad row, as with an inferred type
 */
public record ExampleGenParams(
    String input, InputFormat format, String delimiter, List<String> nullValues, String schemaFile,
    Integer inferSampleRows, Map<String, Integer> splitRatios, String splitBy, Long span, List<Long> spanRange,
    Integer rollingWindow, BadRows badRows,
    Double maxRejectedFraction, Integer batchSize, Integer shards, Long version, Map<String, String> inputSplits,
    Long maxRecordBytes, String label, MissingLabel missingLabel,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    Map<String, String> columnTypes) {

  public ExampleGenParams {
    inputSplits = inputSplits == null ? null : new java.util.TreeMap<>(inputSplits);
    checkInputs(input, inputSplits, splitRatios, splitBy);
    String sample = inputSplits != null ? inputSplits.values().iterator().next() : input;
    format = format != null ? format : InputFormat.ofFileName(sample);
    delimiter = delimiter == null ? "," : delimiter.equals("\\t") ? "\t" : delimiter;
    if (delimiter.length() != 1 || delimiter.charAt(0) > 127 || delimiter.equals("\"")) {
      throw new ParameterException("delimiter", "delimiter expected one ASCII character other than '\"', got '"
          + delimiter + "'");
    }
    nullValues = nullValues == null ? List.of("", "NA", "null") : List.copyOf(nullValues);
    inferSampleRows = inferSampleRows == null ? 1000 : inferSampleRows;
    columnTypes = columnTypes == null ? null : new java.util.TreeMap<>(columnTypes);
    checkColumnTypes(columnTypes, format, schemaFile);
    if (inferSampleRows < 1) {
      throw new ParameterException("infer_sample_rows", "infer_sample_rows expected a positive number, got " + inferSampleRows);
    }
    // Sorted, so the bucket each split owns never depends on how the YAML happened to order them;
    // left null with input_splits so that the canonical form binds again.
    splitRatios = inputSplits != null ? null : new java.util.TreeMap<>(splitRatios == null ? defaultSplits() : splitRatios);
    if (splitRatios != null && splitRatios.isEmpty()) {
      throw new ParameterException("split_ratios", "split_ratios expected at least one split, got none");
    }
    for (var e : splitRatios == null ? java.util.Set.<Map.Entry<String, Integer>>of() : splitRatios.entrySet()) {
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
    maxRecordBytes = maxRecordBytes == null ? org.millrace.ingest.csv.CsvReader.DEFAULT_MAX_RECORD_BYTES
        : maxRecordBytes;
    if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 16) {
      throw new ParameterException("max_record_bytes", "max_record_bytes expected a number of bytes in [1, "
          + (Integer.MAX_VALUE - 16) + "], got " + maxRecordBytes);
    }
    if (label != null && label.isBlank()) {
      throw new ParameterException("label", "label expected a column name, got '" + label + "'");
    }
    if (missingLabel != null && label == null) {
      throw new ParameterException("missing_label", "missing_label expected a label column beside it (label: <column>),"
          + " got none");
    }
    missingLabel = label == null ? null : missingLabel == null ? MissingLabel.FAIL : missingLabel;
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
    if (version != null) {
      if (version < 0) {
        throw new ParameterException("version", "version expected a non-negative number, got " + version);
      }
      for (String pattern : patterns(input, inputSplits)) {
        if (!pattern.contains("{VERSION")) {
          throw new ParameterException("version", "version expected an input pattern with {VERSION}, got '"
              + pattern + "'");
        }
      }
    }
  }

  /** The split names: those of {@code input_splits}, else of {@code split_ratios}, sorted. */
  public List<String> splitNames() {
    return List.copyOf(inputSplits != null ? inputSplits.keySet() : splitRatios.keySet());
  }

  private static List<String> patterns(String input, Map<String, String> inputSplits) {
    return inputSplits != null ? List.copyOf(inputSplits.values()) : List.of(input);
  }

  private static void checkInputs(String input, Map<String, String> inputSplits, Map<String, Integer> splitRatios,
      String splitBy) {
    if (inputSplits == null) {
      if (input == null || input.isBlank()) {
        throw new ParameterException("input", "input expected a file or pattern, got nothing");
      }
      return;
    }
    if (input != null) {
      throw new ParameterException("input_splits", "input and input_splits expected at most one, got both");
    }
    if (splitRatios != null || splitBy != null) {
      throw new ParameterException("input_splits", "input_splits expected no split_ratios or split_by (each split"
          + " comes from its own pattern), got " + (splitRatios != null ? "split_ratios" : "split_by"));
    }
    if (inputSplits.isEmpty()) {
      throw new ParameterException("input_splits", "input_splits expected at least one split, got none");
    }
    for (var e : inputSplits.entrySet()) {
      if (!e.getKey().matches("[a-z][a-z0-9_]*") || e.getValue() == null || e.getValue().isBlank()) {
        throw new ParameterException("input_splits." + e.getKey(), "input_splits expected lower_snake_case names"
            + " with a file or pattern each, got " + e.getKey() + ": " + e.getValue());
      }
    }
  }

  private static void checkColumnTypes(Map<String, String> columnTypes, InputFormat format, String schemaFile) {
    if (columnTypes == null) {
      return;
    }
    if (schemaFile != null) {
      throw new ParameterException("column_types", "column_types expected without schema_file (the schema file gives"
          + " every column's type), got both");
    }
    if (format == InputFormat.ARROW || format == InputFormat.PARQUET) {
      throw new ParameterException("column_types", "column_types expected a text format (csv, jsonl, json), got "
          + format.name().toLowerCase(java.util.Locale.ROOT) + " files, whose columns declare their types");
    }
    for (var e : columnTypes.entrySet()) {
      if (e.getValue() == null || java.util.Arrays.stream(FeatureType.values())
          .noneMatch(t -> t.label().equals(e.getValue()))) {
        throw new ParameterException("column_types." + e.getKey(), "column_types." + e.getKey()
            + " expected int, float, string or bool, got " + (e.getValue() == null ? "nothing" : "'" + e.getValue()
                + "'"));
      }
    }
  }

  /**
   * The inferred schema with {@code column_types} applied: each named column read as the type given
   * (a column of codes with leading zeros, {@code 02134}, as string, not the number 2134). Fails
   * naming a column the input does not have.
   */
  public org.millrace.api.data.DataSchema withColumnTypes(org.millrace.api.data.DataSchema inferred, String source) {
    if (columnTypes == null) {
      return inferred;
    }
    var names = inferred.features().stream().map(org.millrace.api.data.Feature::name).toList();
    for (String name : columnTypes.keySet()) {
      if (!names.contains(name)) {
        throw new ParameterException("column_types." + name, "column_types expected columns of the input " + names
            + " (" + source + "), got '" + name + "'");
      }
    }
    return new org.millrace.api.data.DataSchema(inferred.features().stream().map(f -> columnTypes.containsKey(f.name())
        ? org.millrace.api.data.Feature.of(f.name(), FeatureType.of(columnTypes.get(f.name())), f.nullable()) : f)
        .toList());
  }

  private static Map<String, Integer> defaultSplits() {
    var m = new LinkedHashMap<String, Integer>();
    m.put("train", 2);
    m.put("eval", 1);
    return m;
  }

  public static ExampleGenParams of(String input) {
    return new ExampleGenParams(input, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null);
  }
}
