package org.millrace.transform.analyze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.millrace.api.data.ExamplesIO;
import org.millrace.transform.graph.Probe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-span analyzer state on disk, so a rolling window of spans recomputes only new spans.
 * An entry is keyed by SHA-256 of (span, the span's part files: path, size, modification time,
 * and the phase's analysis points as JSON: the op configs and the fitted constants they depend on,
 * plus the nan policy). A phase whose inputs depend on constants fitted in an earlier phase hits
 * only when those constants are unchanged.
 */
public final class AnalyzerCache {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyzerCache.class);
  private final Path dir;

  public AnalyzerCache(Path dir) {
    this.dir = dir;
  }

  /** The cache key of one span's analyzer state for a phase. */
  public static String key(String span, List<Path> splitDirs, List<Probe> probes) {
    var sb = new StringBuilder("millrace.transform.analyzer.v2\nspan=").append(span).append('\n');
    for (Path d : splitDirs) {
      sb.append("split=").append(d.toAbsolutePath().normalize()).append('\n');
      for (Path f : ExamplesIO.parts(d)) {
        try {
          sb.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
              .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
        } catch (IOException e) {
          throw new IllegalArgumentException("analyzer cache expected a readable part file, got " + f + ": " + e, e);
        }
      }
    }
    probes.forEach(p -> sb.append("probe=").append(p.toJson()).append('\n'));
    return sha256(sb.toString());
  }

  public Optional<List<Accumulator>> load(String key) {
    Path f = dir.resolve(key + ".json");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Accumulators.fromJson(Files.readString(f, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("analyzer cache entry {} unreadable, recomputing: {}", f, e.toString());
      return Optional.empty();
    }
  }

  public void store(String key, List<Accumulator> accs) {
    try {
      Files.createDirectories(dir);
      // (Not createTempFile, whose files are the owner's alone: a cache directory may be shared.)
      Path tmp = dir.resolve(key + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
      Files.writeString(tmp, Accumulators.toJson(accs), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
      Files.move(tmp, dir.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("analyzer cache expected a writable directory, got " + dir + ": " + e, e);
    }
  }

  /** Number of entries (for tests and logs). */
  public long size() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list analyzer cache " + dir + ": " + e, e);
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: no SHA-256", e);
    }
  }
}
