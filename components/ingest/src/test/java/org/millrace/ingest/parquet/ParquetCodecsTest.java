package org.millrace.ingest.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.millrace.api.data.DataSchema;
import org.millrace.ingest.csv.CsvRecord;

/**
 * {@link ParquetCodecs} and {@link ParquetFiles} against parquet-hadoop's own Hadoop codecs (on
 * this module's test class path): files written by Hadoop's codecs read back through ours, and
 * files written through ours read back by parquet-hadoop's default, Hadoop-based reader, for every
 * codec we support, with pages large enough that each codec really compresses.
 */
class ParquetCodecsTest {
  private static final MessageType TYPE = MessageTypeParser.parseMessageType(
      "message t { required int64 id; optional binary name (STRING); required double x; }");
  private static final int ROWS = 5_000;

  @TempDir
  Path dir;

  private static void fill(int i, Group g) {
    g.add("id", (long) i * 7919);
    if (i % 5 != 0) {
      g.add("name", "name-" + (i % 37));
    }
    g.add("x", i / 3.0);
  }

  private static List<String> expected(int i) {
    return List.of(Long.toString((long) i * 7919), i % 5 != 0 ? "name-" + (i % 37) : "", Double.toString(i / 3.0));
  }

  @ParameterizedTest
  @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW"})
  void filesFromHadoopsCodecsReadThroughOurs(CompressionCodecName codec) throws Exception {
    Path file = ParquetTestFiles.write(dir.resolve(codec + ".parquet"), TYPE, ROWS, ParquetCodecsTest::fill, codec,
        64 << 10);
    DataSchema schema = ParquetSchemas.infer(List.of(file.toString()));
    int row = 0;
    try (var records = ParquetRecords.open(file.toString(), schema, "test")) {
      CsvRecord r;
      while ((r = records.next()) != null) {
        assertEquals(expected(row).get(0), r.fields().get(0), codec + " row " + row);
        assertEquals(expected(row).get(2), r.fields().get(2), codec + " row " + row);
        if (row % 5 != 0) { // the optional string column, null in every fifth row
          assertEquals(expected(row).get(1), r.fields().get(1), codec + " row " + row);
        } else {
          assertTrue(r.fields().get(1) == null || r.fields().get(1).isEmpty(), codec + " row " + row);
        }
        row++;
      }
    }
    assertEquals(ROWS, row, codec.toString());
  }

  @ParameterizedTest
  @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW"})
  void filesFromOurCodecsReadThroughHadoops(CompressionCodecName codec) throws Exception {
    Path file = dir.resolve("ours-" + codec + ".parquet");
    var factory = new SimpleGroupFactory(TYPE);
    try (ParquetWriter<Group> w = ParquetFiles.groupWriter(file, TYPE, codec)) {
      for (int i = 0; i < ROWS; i++) {
        Group g = factory.newGroup();
        fill(i, g);
        w.write(g);
      }
    }
    // parquet-hadoop's default options: its Hadoop codec factory.
    try (var reader = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build())) {
      assertEquals(codec, reader.getRowGroups().get(0).getColumns().get(0).getCodec());
      var ids = new ArrayList<Long>();
      var pages = reader.readNextRowGroup();
      while (pages != null) {
        var store = new ColumnReadStoreImpl(pages, new GroupRecordConverter(TYPE).getRootConverter(), TYPE, "test");
        ColumnReader id = store.getColumnReader(TYPE.getColumns().get(0));
        for (long i = 0; i < pages.getRowCount(); i++) {
          ids.add(id.getLong());
          id.consume();
        }
        pages = reader.readNextRowGroup();
      }
      assertEquals(ROWS, ids.size());
      for (int i = 0; i < ROWS; i++) {
        assertEquals((long) i * 7919, ids.get(i), codec + " row " + i);
      }
    }
  }

  @Test
  void readOptionsAreTheBuildersDefaultsWithOurCodecs() {
    ParquetReadOptions ours = ParquetFiles.readOptions();
    ParquetReadOptions builder = ParquetReadOptions.builder().build(); // Hadoop is on this test class path
    assertEquals(builder.useSignedStringMinMax(), ours.useSignedStringMinMax());
    assertEquals(builder.useStatsFilter(), ours.useStatsFilter());
    assertEquals(builder.useDictionaryFilter(), ours.useDictionaryFilter());
    assertEquals(builder.useRecordFilter(), ours.useRecordFilter());
    assertEquals(builder.useColumnIndexFilter(), ours.useColumnIndexFilter());
    assertEquals(builder.useBloomFilter(), ours.useBloomFilter());
    assertEquals(builder.useOffHeapDecryptBuffer(), ours.useOffHeapDecryptBuffer());
    assertEquals(builder.usePageChecksumVerification(), ours.usePageChecksumVerification());
    assertEquals(builder.useHadoopVectoredIo(), ours.useHadoopVectoredIo());
    assertEquals(builder.getRecordFilter(), ours.getRecordFilter());
    assertEquals(builder.getMetadataFilter(), ours.getMetadataFilter());
    assertEquals(builder.getMaxAllocationSize(), ours.getMaxAllocationSize());
    assertEquals(builder.getAllocator().getClass(), ours.getAllocator().getClass());
    assertTrue(ours.getCodecFactory() instanceof ParquetCodecs);
    assertEquals(org.apache.parquet.conf.PlainParquetConfiguration.class, ours.getConfiguration().getClass());
  }

  @Test
  void aFileInAnUnsupportedCodecFailsNamingTheFileAndTheCodec() throws Exception {
    // Hadoop's framed LZ4, which parquet-hadoop writes through Hadoop's Lz4Codec (here on the test class path).
    Path file = ParquetTestFiles.write(dir.resolve("lz4.parquet"), TYPE, 100, ParquetCodecsTest::fill,
        CompressionCodecName.LZ4, 0);
    DataSchema schema = ParquetSchemas.infer(List.of(file.toString()));
    try (var records = ParquetRecords.open(file.toString(), schema, "test")) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, records::next);
      assertEquals(file + " row 1: Parquet codec expected one of [UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW], got LZ4",
          e.getMessage());
    }
  }

  @Test
  void anUnsupportedCodecIsNamedWithTheSupportedOnes() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new ParquetCodecs().getDecompressor(CompressionCodecName.BROTLI));
    assertTrue(e.getMessage().contains("expected one of [UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW], got BROTLI"),
        e.getMessage());
  }
}
