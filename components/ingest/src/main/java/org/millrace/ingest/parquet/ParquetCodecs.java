package org.millrace.ingest.parquet;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet's page codecs without Hadoop: parquet-hadoop's own factory reaches every codec through
 * Hadoop's {@code CompressionCodec} classes, so reading even an uncompressed local file loads Hadoop.
 * This one compresses and decompresses pages with the libraries the application already has —
 * snappy-java, zstd-jni, aircompressor (LZ4_RAW) and the JDK's gzip — which covers what Spark,
 * DuckDB, pandas/pyarrow and Polars write by default. Other codecs (LZO, Brotli, Hadoop's framed
 * LZ4) fail naming the codec and the ones supported.
 */
public final class ParquetCodecs implements CompressionCodecFactory {
  /** The codecs this factory reads and writes. */
  public static final Set<CompressionCodecName> SUPPORTED = EnumSet.of(CompressionCodecName.UNCOMPRESSED,
      CompressionCodecName.SNAPPY, CompressionCodecName.GZIP, CompressionCodecName.ZSTD, CompressionCodecName.LZ4_RAW);

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    check(codec);
    return new BytesInputCompressor() {
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        return BytesInput.from(ParquetCodecs.compress(codec, bytes.toByteArray()));
      }

      @Override
      public CompressionCodecName getCodecName() {
        return codec;
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    check(codec);
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
        return BytesInput.from(ParquetCodecs.decompress(codec, bytes.toByteArray(), uncompressedSize));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
          throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        output.put(ParquetCodecs.decompress(codec, in, uncompressedSize));
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public void release() {}

  private static void check(CompressionCodecName codec) {
    if (!SUPPORTED.contains(codec)) {
      throw new IllegalArgumentException("Parquet codec expected one of " + SUPPORTED + ", got " + codec);
    }
  }

  static byte[] compress(CompressionCodecName codec, byte[] data) throws IOException {
    return switch (codec) {
      case UNCOMPRESSED -> data;
      case SNAPPY -> Snappy.compress(data);
      case ZSTD -> Zstd.compress(data, 3);
      case GZIP -> {
        var out = new ByteArrayOutputStream(data.length / 2 + 64);
        try (var gz = new GZIPOutputStream(out)) {
          gz.write(data);
        }
        yield out.toByteArray();
      }
      case LZ4_RAW -> {
        var lz4 = new io.airlift.compress.lz4.Lz4Compressor();
        byte[] out = new byte[lz4.maxCompressedLength(data.length)];
        int n = lz4.compress(data, 0, data.length, out, 0, out.length);
        yield java.util.Arrays.copyOf(out, n);
      }
      default -> throw new IllegalArgumentException("Parquet codec expected one of " + SUPPORTED + ", got " + codec);
    };
  }

  static byte[] decompress(CompressionCodecName codec, byte[] data, int size) throws IOException {
    byte[] out = switch (codec) {
      case UNCOMPRESSED -> data;
      case SNAPPY -> {
        int n = Snappy.uncompressedLength(data);
        if (n != size) {
          throw new IOException("a SNAPPY page expected " + size + " bytes once decompressed, its header says " + n);
        }
        yield Snappy.uncompress(data);
      }
      case ZSTD -> {
        try {
          yield Zstd.decompress(data, size);
        } catch (RuntimeException e) { // zstd-jni's unchecked ZstdException: a corrupt or longer page
          throw new IOException("a ZSTD page of " + size + " bytes could not be decompressed: " + e.getMessage(), e);
        }
      }
      case GZIP -> {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
          byte[] o = in.readNBytes(size);
          if (in.read() != -1) {
            throw new IOException("a GZIP page expected " + size + " bytes once decompressed, got more");
          }
          yield o;
        }
      }
      case LZ4_RAW -> {
        byte[] o = new byte[size];
        int n = new io.airlift.compress.lz4.Lz4Decompressor().decompress(data, 0, data.length, o, 0, size);
        yield n == size ? o : java.util.Arrays.copyOf(o, n);
      }
      default -> throw new IllegalArgumentException("Parquet codec expected one of " + SUPPORTED + ", got " + codec);
    };
    if (out.length != size) {
      throw new IOException("a " + codec + " page expected " + size + " bytes once decompressed, got " + out.length);
    }
    return out;
  }
}
