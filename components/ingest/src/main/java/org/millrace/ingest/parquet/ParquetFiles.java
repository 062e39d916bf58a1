package org.millrace.ingest.parquet;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetMetricsCallback;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet reading and writing with no Hadoop class on the class path (the embedded default ships
 * none: docs/distribution.md). parquet-hadoop's reader and writer run on Parquet's own
 * {@link PlainParquetConfiguration} and {@link ParquetCodecs}; only its option builders reach
 * Hadoop ({@code ParquetReadOptions.Builder} asks Hadoop's {@code ParquetInputFormat} for a record
 * filter), so the read options are made directly with the values that builder gives by default.
 */
public final class ParquetFiles {
  /** Found on first use, so that a changed parquet-hadoop fails with its message, not an ExceptionInInitializerError. */
  private static volatile Constructor<ParquetReadOptions> readOptions;

  private ParquetFiles() {}

  /**
   * Read options as {@code ParquetReadOptions.builder().build()} gives them (statistics,
   * dictionary, column-index and bloom filters on; no record filter; 8 MiB allocations), with
   * {@link ParquetCodecs} and a {@link PlainParquetConfiguration}.
   */
  public static ParquetReadOptions readOptions() {
    try {
      Constructor<ParquetReadOptions> c = readOptions;
      if (c == null) {
        c = readOptionsConstructor();
        readOptions = c;
      }
      return c.newInstance(false, true, true, true, true, false, true, false, false, FilterCompat.NOOP,
          ParquetMetadataConverter.NO_FILTER, new ParquetCodecs(), new HeapByteBufferAllocator(), 8 << 20,
          new HashMap<String, String>(), null, null, new PlainParquetConfiguration());
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("BUG: parquet-hadoop's ParquetReadOptions could not be made: " + e, e);
    }
  }

  /**
   * A writer of example {@link Group}s to a local file (replaced if it exists), compressed with
   * {@code codec} (one of {@link ParquetCodecs#SUPPORTED}).
   */
  public static ParquetWriter<Group> groupWriter(Path file, MessageType schema, CompressionCodecName codec)
      throws IOException {
    return ExampleParquetWriter.builder(new LocalOutputFile(file)).withConf(new PlainParquetConfiguration())
        .withType(schema).withCodecFactory(new ParquetCodecs()).withCompressionCodec(codec)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build();
  }

  private static Constructor<ParquetReadOptions> readOptionsConstructor() {
    try {
      Constructor<ParquetReadOptions> c = ParquetReadOptions.class.getDeclaredConstructor(boolean.class,
          boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
          boolean.class, FilterCompat.Filter.class, ParquetMetadataConverter.MetadataFilter.class,
          CompressionCodecFactory.class, ByteBufferAllocator.class, int.class, Map.class,
          FileDecryptionProperties.class, ParquetMetricsCallback.class, ParquetConfiguration.class);
      c.setAccessible(true);
      return c;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("BUG: parquet-hadoop's ParquetReadOptions constructor changed (the parent pom's"
          + " parquet.version): " + e, e);
    }
  }
}
