import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.millrace.ingest.parquet.ParquetFiles;

/**
 * Converts a pair of IDX files (the MNIST layout: images {@code idx3-ubyte}, labels
 * {@code idx1-ubyte}, gzip-compressed or not) into one flat Parquet file that ExampleGen reads:
 * a string column {@code label} (the Fashion-MNIST class name) then one int column per pixel,
 * {@code pixel_000} to {@code pixel_783} in row-major order (row, then column), values 0-255.
 *
 * <p>A single-file program run with {@code java} on millrace's runtime classpath (convert.sh does
 * it): {@code java -cp CLASSPATH ConvertIdx.java IMAGES LABELS OUT.parquet [LIMIT]}. LIMIT keeps
 * the first LIMIT images. A file that is not IDX, or images and labels that disagree in count,
 * fail naming the file, the byte offset and what was expected.
 */
public final class ConvertIdx {
  /** The Fashion-MNIST classes, by label number (the data set's README). */
  static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
      "Sneaker", "Bag", "Ankle boot"};

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: java -cp CLASSPATH ConvertIdx.java IMAGES LABELS OUT.parquet [LIMIT]");
      System.exit(2);
    }
    // Warnings and errors only: without a configuration logback logs parquet-hadoop's every DEBUG line.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path images = Path.of(args[0]);
    Path labels = Path.of(args[1]);
    Path out = Path.of(args[2]);
    long limit = args.length == 4 ? parseLimit(args[3]) : Long.MAX_VALUE;
    try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
      int imageCount = header(img, images, 0x803, 3);
      int rows = img.readInt();
      int cols = img.readInt();
      int labelCount = header(lab, labels, 0x801, 1);
      if (imageCount != labelCount) {
        throw new IllegalArgumentException(labels + " byte 4: expected " + imageCount + " labels (the image count of "
            + images + "), got " + labelCount);
      }
      int n = (int) Math.min(limit, imageCount);
      MessageType schema = schema(rows * cols);
      var factory = new SimpleGroupFactory(schema);
      Files.createDirectories(out.toAbsolutePath().getParent());
      byte[] pixels = new byte[rows * cols];
      // millrace's writer: parquet-hadoop without Hadoop, which millrace's class path does not have.
      try (ParquetWriter<Group> w = ParquetFiles.groupWriter(out, schema, CompressionCodecName.SNAPPY)) {
        for (int i = 0; i < n; i++) {
          long offset = 16L + (long) i * pixels.length;
          try {
            img.readFully(pixels);
          } catch (EOFException e) {
            throw new IllegalArgumentException(images + " byte " + offset + ": expected image " + (i + 1) + " of "
                + imageCount + " (" + pixels.length + " bytes), got the end of the file", e);
          }
          int label = lab.read();
          if (label < 0 || label >= CLASSES.length) {
            throw new IllegalArgumentException(labels + " byte " + (8 + i) + ": expected a label 0-9, got "
                + (label < 0 ? "the end of the file" : Integer.toString(label)));
          }
          Group g = factory.newGroup();
          g.add("label", CLASSES[label]);
          for (int p = 0; p < pixels.length; p++) {
            g.add(p + 1, pixels[p] & 0xff);
          }
          w.write(g);
        }
      }
      System.out.printf("%s: %d images of %dx%d (of %d) with labels from %s%n", out, n, rows, cols, imageCount, labels);
    }
  }

  private static long parseLimit(String s) {
    try {
      long v = Long.parseLong(s);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("LIMIT expected a positive number of images, got '" + s + "'");
  }

  /** Reads an IDX header: magic {@code 0x00 0x00 type dims}, then the first dimension. */
  private static int header(DataInputStream in, Path file, int magic, int dims) throws IOException {
    int m;
    try {
      m = in.readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + " byte 0: expected the IDX magic number 0x"
          + Integer.toHexString(magic) + ", got the end of the file", e);
    }
    if (m != magic) {
      throw new IllegalArgumentException(file + " byte 0: expected the IDX magic number 0x" + Integer.toHexString(magic)
          + " (unsigned bytes, " + dims + " dimension" + (dims > 1 ? "s" : "") + "), got 0x" + Integer.toHexString(m));
    }
    return in.readInt();
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      in = new java.io.BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return new DataInputStream(in);
  }

  static MessageType schema(int pixels) {
    var b = Types.buildMessage().required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("label");
    for (int p = 0; p < pixels; p++) {
      b = b.required(PrimitiveTypeName.INT32).named(String.format("pixel_%03d", p));
    }
    return b.named("fashion_mnist");
  }
}
