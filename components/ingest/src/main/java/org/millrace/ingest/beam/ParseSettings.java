package org.millrace.ingest.beam;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;

/**
 * Everything {@link ParseRecordsFn} needs, as one immutable value: start from
 * {@link #of(DataSchema, InputFormat)} and set the rest with the {@code withX} methods, each of
 * which returns a copy. {@link ParseRecordsFn#ParseRecordsFn(ParseSettings)} checks the settings
 * against each other (split names, columns) when the DoFn is built, on the driver.
 *
 * @param schema the columns every record is typed into
 * @param schemaSource where the schema came from (a file, or inference), quoted in typing errors
 * @param format the input's format, which picks its {@link InputReader}
 * @param delimiter the CSV delimiter
 * @param nullValues the text markers of a missing value in text formats (CSV, JSON)
 * @param splitRatios split name to hash buckets, or (with {@code fileSplits}) the split names with any ratio
 * @param tempDirs per split in split name order (sorted), where bundles write their temporary part files
 * @param fileSplits for pre-split inputs, each file's split; empty to hash rows into splits
 * @param splitBy the column whose value picks a row's split, or null to hash the whole row
 * @param batchSize rows per batch
 * @param badRows whether a bad row fails the run or goes to the quarantine
 * @param quarantineTempDir where bundles write the rows they set aside (bad rows with
 *     {@link BadRows#QUARANTINE}, rows without a label with {@link MissingLabel#QUARANTINE})
 * @param maxRecordBytes the longest CSV record or JSON line: a longer one is a bad row
 * @param files the input files in input order: a part without {@code shards} is named by its
 *     file's position here and its first byte (row group) in the file, so parts follow the input
 * @param shards the fixed number of parts per split (each batch goes to the shard of its content
 *     key, as {@link ExamplesBeamIO#write} does), or {@link ExamplesBeamIO#AUTO_SHARDS} for a part
 *     per range read
 * @param label a label column whose missing values follow {@code missingLabel}; null for no check
 * @param missingLabel what happens to a row whose label is missing
 */
public record ParseSettings(DataSchema schema, String schemaSource, InputFormat format, char delimiter,
    List<String> nullValues, Map<String, Integer> splitRatios, List<String> tempDirs, Map<String, String> fileSplits,
    String splitBy, int batchSize, BadRows badRows, String quarantineTempDir, long maxRecordBytes, List<String> files,
    int shards, String label, MissingLabel missingLabel) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The default batch size, in rows (ExampleGen's {@code batch_size} default). */
  public static final int DEFAULT_BATCH_SIZE = 8192;
  /** The default longest record, in bytes (ExampleGen's {@code max_record_bytes} default). */
  public static final long DEFAULT_MAX_RECORD_BYTES = org.millrace.ingest.csv.CsvReader.DEFAULT_MAX_RECORD_BYTES;
  /** The default text markers of a missing value (ExampleGen's {@code null_values} default). */
  public static final List<String> DEFAULT_NULL_VALUES = List.of("", "NA", "null");

  public ParseSettings {
    if (schema == null || format == null) {
      throw new IllegalArgumentException("parse settings expected a schema and a format, got " + schema + " and "
          + format);
    }
    schemaSource = schemaSource == null ? "given" : schemaSource;
    nullValues = List.copyOf(nullValues);
    splitRatios = Map.copyOf(splitRatios);
    tempDirs = List.copyOf(tempDirs);
    fileSplits = Map.copyOf(fileSplits);
    files = List.copyOf(files);
    missingLabel = missingLabel == null ? MissingLabel.FAIL : missingLabel;
    badRows = badRows == null ? BadRows.FAIL : badRows;
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch_size expected a positive number, got " + batchSize);
    }
    if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("max_record_bytes expected a number in [1, " + (Integer.MAX_VALUE - 16)
          + "], got " + maxRecordBytes);
    }
    if (shards < 0) {
      throw new IllegalArgumentException("shards expected a positive number (or 0 for automatic), got " + shards);
    }
  }

  /**
   * Settings that read {@code format} into {@code schema} with ExampleGen's defaults: comma-delimited,
   * {@link #DEFAULT_NULL_VALUES}, {@link #DEFAULT_BATCH_SIZE} rows per batch,
   * {@link #DEFAULT_MAX_RECORD_BYTES}, no splits yet ({@link #withSplits}), bad rows fail the run, no quarantine, automatic
   * shards, no label check.
   */
  public static ParseSettings of(DataSchema schema, InputFormat format) {
    return new ParseSettings(schema, null, format, ',', DEFAULT_NULL_VALUES, Map.of(), List.of(), Map.of(), null,
        DEFAULT_BATCH_SIZE, null, null, DEFAULT_MAX_RECORD_BYTES, List.of(), ExamplesBeamIO.AUTO_SHARDS, null, null);
  }

  /** Where the schema came from, quoted in typing errors. */
  public ParseSettings withSchemaSource(String source) {
    return new ParseSettings(schema, source, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits, splitBy,
        batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** The CSV delimiter. */
  public ParseSettings withDelimiter(char c) {
    return new ParseSettings(schema, schemaSource, format, c, nullValues, splitRatios, tempDirs, fileSplits, splitBy,
        batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** The text markers of a missing value. */
  public ParseSettings withNullValues(List<String> values) {
    return new ParseSettings(schema, schemaSource, format, delimiter, values, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /**
   * The splits (name to hash buckets) and, per split in name order, the directory where bundles
   * write its temporary part files.
   */
  public ParseSettings withSplits(Map<String, Integer> ratios, List<String> splitTempDirs) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, ratios, splitTempDirs, fileSplits,
        splitBy, batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** Pre-split input: each file's split (the ratios of {@link #withSplits} are then ignored). */
  public ParseSettings withFileSplits(Map<String, String> splitOfFile) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, splitOfFile,
        splitBy, batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** The column whose value picks a row's split (null: the whole row's hash). */
  public ParseSettings withSplitBy(String column) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        column, batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** Rows per batch. */
  public ParseSettings withBatchSize(int rows) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, rows, badRows, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** What happens to a bad row: it fails the run (the default) or goes to the quarantine ({@link #withQuarantineDir}). */
  public ParseSettings withBadRows(BadRows policy) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, policy, quarantineTempDir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** Where bundles write the rows they set aside, as temporary files for {@link WriteQuarantineFn}. */
  public ParseSettings withQuarantineDir(String dir) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, badRows, dir, maxRecordBytes, files, shards, label, missingLabel);
  }

  /** The longest CSV record or JSON line, in bytes. */
  public ParseSettings withMaxRecordBytes(long bytes) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, badRows, quarantineTempDir, bytes, files, shards, label, missingLabel);
  }

  /** The input files in input order (orders the parts). */
  public ParseSettings withFiles(List<String> inputFiles) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, badRows, quarantineTempDir, maxRecordBytes, inputFiles, shards, label, missingLabel);
  }

  /** A fixed number of parts per split, or {@link ExamplesBeamIO#AUTO_SHARDS}. */
  public ParseSettings withShards(int count) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, badRows, quarantineTempDir, maxRecordBytes, files, count, label, missingLabel);
  }

  /** A label column and what happens to a row whose label is missing. */
  public ParseSettings withLabel(String column, MissingLabel policy) {
    return new ParseSettings(schema, schemaSource, format, delimiter, nullValues, splitRatios, tempDirs, fileSplits,
        splitBy, batchSize, badRows, quarantineTempDir, maxRecordBytes, files, shards, column, policy);
  }

  /** Whether bad rows go to the quarantine rather than failing the run. */
  public boolean quarantinesBadRows() {
    return badRows == BadRows.QUARANTINE;
  }
}
