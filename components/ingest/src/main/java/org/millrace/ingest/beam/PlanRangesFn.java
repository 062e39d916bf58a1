package org.millrace.ingest.beam;

import java.io.InputStream;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.CsvBoundaries;
import org.millrace.ingest.csv.CsvReader;
import org.millrace.ingest.csv.SchemaInference;
import org.millrace.ingest.parquet.ParquetRecords;

/**
 * Cuts each input file into ranges for {@link ParseRecordsFn}: after checking a CSV file's header,
 * a file of more than two {@link #RANGE_BYTES} chunks is cut at record boundaries about that far
 * apart (found with the reader's own quote rules, so a quoted newline is never a cut), so that
 * one big file is parsed in parallel. A JSON lines file is cut at line starts the same way, a
 * Parquet file between row groups; an Arrow file, a JSON document and a gzip file are one range.
 */
public final class PlanRangesFn extends DoFn<String, KV<String, TextRange>> {
  static final long RANGE_BYTES = 16L << 20;
  /** Rows per range of a Parquet file, at least (whole row groups). */
  static final long RANGE_ROWS = 100_000;

  private final List<String> columns;
  private final String schemaSource;
  private final char delimiter;
  private final InputFormat format;
  private final long rangeBytes;

  public PlanRangesFn(List<String> columns, String schemaSource, char delimiter, InputFormat format) {
    this(columns, schemaSource, delimiter, format, RANGE_BYTES);
  }

  PlanRangesFn(List<String> columns, String schemaSource, char delimiter, InputFormat format, long rangeBytes) {
    this.columns = List.copyOf(columns);
    this.schemaSource = schemaSource;
    this.delimiter = delimiter;
    this.format = format;
    this.rangeBytes = rangeBytes;
  }

  @ProcessElement
  public void process(@Element String file, OutputReceiver<KV<String, TextRange>> out) throws Exception {
    for (TextRange range : ranges(file)) {
      out.output(KV.of(file, range));
    }
  }

  /** The ranges of one file, in file order (what {@link #process} outputs for it). */
  public List<TextRange> ranges(String file) throws Exception {
    var out = new java.util.ArrayList<TextRange>();
    ranges(file, out::add);
    return out;
  }

  /** A range found, handed on as soon as it is found. */
  @FunctionalInterface
  public interface Found {
    void found(TextRange range) throws java.io.IOException;
  }

  /**
   * The ranges of one file, in file order, each handed to {@code out} as soon as it is known (a
   * CSV range when the boundary scan has passed its end), so that parsing can start while the
   * scan goes on.
   */
  public void ranges(String file, Found out) throws Exception {
    if (format == InputFormat.PARQUET) {
      rowGroupRanges(file, out);
      return;
    }
    if (format == InputFormat.JSONL && !org.millrace.ingest.csv.Compressed.isGzip(file)) {
      lineRanges(file, out);
      return;
    }
    if (format != InputFormat.CSV) {
      out.found(new TextRange(0, Long.MAX_VALUE, 1));
      return;
    }
    long start;
    long line;
    try (var reader = new CsvReader(ParseRecordsFn.open(file, 0), delimiter)) {
      List<String> header = SchemaInference.header(reader, file);
      if (!header.equals(columns)) {
        throw new IllegalArgumentException(file + " line 1: expected the header " + columns + " (" + schemaSource
            + "), got " + header);
      }
      start = reader.position();
      line = reader.line();
    }
    long size = FileSystems.matchSingleFileSpec(file).sizeBytes();
    long[] from = {start, line};
    if (size - start > 2 * rangeBytes && !org.millrace.ingest.csv.Compressed.isGzip(file)) {
      try (InputStream in = ParseRecordsFn.open(file, start)) {
        CsvBoundaries.every(in, start, line, delimiter, rangeBytes, cut -> {
          if (cut.offset() > from[0] && cut.offset() < size) {
            out.found(new TextRange(from[0], cut.offset(), from[1]));
            from[0] = cut.offset();
            from[1] = cut.line();
          }
        });
      }
    }
    // The last range reads to the end of the file, whatever its size now.
    out.found(new TextRange(from[0], Long.MAX_VALUE, from[1]));
  }

  /** A JSON lines file cut at line starts about {@link #rangeBytes} apart (any newline ends a JSON line). */
  private void lineRanges(String file, Found out) throws Exception {
    long size = FileSystems.matchSingleFileSpec(file).sizeBytes();
    long from = 0;
    long fromLine = 1;
    if (size > 2 * rangeBytes) {
      try (InputStream in = ParseRecordsFn.open(file, 0)) {
        for (long[] cut : org.millrace.ingest.csv.LineReader.boundaries(in, 0, 1, rangeBytes)) {
          if (cut[0] < size) {
            out.found(new TextRange(from, cut[0], fromLine));
            from = cut[0];
            fromLine = cut[1];
          }
        }
      }
    }
    out.found(new TextRange(from, Long.MAX_VALUE, fromLine));
  }

  /**
   * A Parquet file's row groups, gathered into ranges of at least {@link #RANGE_ROWS} rows:
   * {@code [first group, end group)} with the file's row number of the first row.
   */
  private static void rowGroupRanges(String file, Found out) throws Exception {
    long[] sizes = ParquetRecords.rowGroupSizes(file);
    int from = 0;
    long firstRow = 1;
    long rows = 0;
    for (int g = 0; g < sizes.length; g++) {
      rows += sizes[g];
      if (rows >= RANGE_ROWS || g == sizes.length - 1) {
        out.found(new TextRange(from, g + 1, firstRow));
        from = g + 1;
        firstRow += rows;
        rows = 0;
      }
    }
  }
}
