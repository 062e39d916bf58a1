package org.millrace.ingest.parquet;

import java.nio.file.Path;
import java.util.ArrayList;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;

/**
 * Regenerates {@code src/test/resources/flights/flights-2k.parquet}: every 1,500th row of the
 * 3M-row flights Parquet file (so the sample spans the file, January to June 2001), same schema, ZSTD like the original.
 * Run: {@code java -cp <test classpath> org.millrace.ingest.parquet.FlightsSample <flights-3m.parquet> <out>}.
 */
public final class FlightsSample {
  private FlightsSample() {}

  public static void main(String[] args) throws Exception {
    int every = 1500;
    var rows = new ArrayList<Group>();
    org.apache.parquet.schema.MessageType schema;
    try (var reader = ParquetFileReader.open(new ChannelInputFile(Path.of(args[0]).toAbsolutePath().toString()),
        ParquetReadOptions.builder().build())) {
      schema = reader.getFooter().getFileMetaData().getSchema();
      var io = new ColumnIOFactory().getColumnIO(schema);
      long index = 0;
      org.apache.parquet.column.page.PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        var records = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++, index++) {
          Group g = records.read();
          if (index % every == 0) {
            rows.add(g);
          }
        }
      }
    }
    ParquetTestFiles.write(Path.of(args[1]), schema, rows.size(), (i, g) -> copy(rows.get(i), g),
        CompressionCodecName.ZSTD, 0);
    System.out.println("wrote " + rows.size() + " rows to " + args[1]);
  }

  private static void copy(Group from, Group to) {
    var type = from.getType();
    for (int f = 0; f < type.getFieldCount(); f++) {
      if (from.getFieldRepetitionCount(f) == 0) {
        continue;
      }
      switch (type.getType(f).asPrimitiveType().getPrimitiveTypeName()) {
        case INT64 -> to.add(f, from.getLong(f, 0));
        case BINARY -> to.add(f, from.getBinary(f, 0));
        default -> throw new IllegalStateException("BUG: flights has no " + type.getType(f));
      }
    }
  }
}
