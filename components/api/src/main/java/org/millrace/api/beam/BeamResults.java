package org.millrace.api.beam;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The way a Beam stage hands a small result (an accumulator, a row count, statistics) from the
 * worker that computes it back to the driver: the worker writes it to a file through Beam's
 * {@link FileSystems} and the driver reads it from there once the pipeline is done. Driver and
 * workers need not share a disk: with {@code --tempLocation=hdfs://...} (or {@code s3a://}, or any
 * filesystem Beam knows) in {@code beam_pipeline_args} the results go under that location; without
 * it, under the node's local work directory (enough for the embedded runner and Spark
 * {@code local[*]}, and on a cluster whose nodes mount that directory).
 */
public final class BeamResults {
  private BeamResults() {}

  /**
   * A new directory for one pipeline's results: a fresh folder under the options' temp location if
   * they have one, else {@code localDir}.
   */
  public static String directory(PipelineOptions options, Path localDir) {
    String temp = options.getTempLocation();
    if (temp == null || temp.isBlank()) {
      return localDir.toAbsolutePath().toString();
    }
    if (temp.startsWith("file:")) {
      temp = Path.of(java.net.URI.create(temp)).toString(); // Beam's local filesystem takes paths, not file: URIs
    }
    return FileSystems.matchNewResource(temp, true)
        .resolve("millrace-results-" + UUID.randomUUID(), ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY)
        .toString();
  }

  /** The location of the result {@code names} (folders, then a file name) under {@code directory}. */
  public static String location(String directory, String... names) {
    ResourceId id = FileSystems.matchNewResource(directory, true);
    for (int i = 0; i < names.length; i++) {
      id = id.resolve(names[i], i == names.length - 1 ? ResolveOptions.StandardResolveOptions.RESOLVE_FILE
          : ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY);
    }
    return id.toString();
  }

  /** Writes {@code data} to {@code location}: into a temporary file beside it, then renamed over it. */
  public static void write(String location, byte[] data) throws IOException {
    ResourceId target = FileSystems.matchNewResource(location, false);
    ResourceId tmp = target.getCurrentDirectory().resolve(target.getFilename() + ".tmp-" + UUID.randomUUID(),
        ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(tmp, MimeTypes.BINARY))) {
      out.write(data);
    }
    FileSystems.rename(List.of(tmp), List.of(target));
  }

  /** The result at {@code location}, or empty when none was written there. */
  public static Optional<byte[]> read(String location) throws IOException {
    MatchResult m = FileSystems.match(location);
    if (m.status() == MatchResult.Status.NOT_FOUND || m.metadata().isEmpty()) {
      return Optional.empty();
    }
    if (m.metadata().size() != 1) {
      throw new IOException("a Beam stage's result expected one file at " + location + ", got " + m.metadata().size());
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(m.metadata().get(0).resourceId()))) {
      var buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      return Optional.of(buffer.toByteArray());
    }
  }

  /** The text result at {@code location}; fails naming the location when there is none. */
  public static String readText(String location) throws IOException {
    return new String(read(location).orElseThrow(() -> new FileNotFoundException(location + " (no result written)")),
        StandardCharsets.UTF_8);
  }

  /** Deletes the results at {@code locations} that exist. */
  public static void delete(List<String> locations) throws IOException {
    var ids = new java.util.ArrayList<ResourceId>();
    for (String l : locations) {
      ids.add(FileSystems.matchNewResource(l, false));
    }
    FileSystems.delete(ids, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** A DoFn writing each string it gets (the single output of a global combine) as text to one location. */
  public static DoFn<String, Void> writeText(String location) {
    return new WriteTextFn(location);
  }

  /** Writes its string elements to a location through {@link FileSystems} (the last one wins). */
  static final class WriteTextFn extends DoFn<String, Void> {
    private final String location;

    WriteTextFn(String location) {
      this.location = location;
    }

    @ProcessElement
    public void process(@Element String text) throws IOException {
      write(location, text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
