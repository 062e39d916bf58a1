package org.millrace.pusher;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A registry directory {@code <base>/<model_name>/<version>/} (TF Serving's layout, integer
 * versions). A version is copied into a hidden temporary directory and renamed into place, so a
 * crash never leaves a partial version visible; {@code registry.json} lists the versions with the
 * model they came from and is replaced atomically too.
 */
public class ModelRegistry {
  public static final String INDEX = "registry.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One published version. */
  public record Version(long version, String modelUri, String modelFingerprint, String pushedAt, String reason,
      Long rollbackOf) {}

  private final Path dir;

  public ModelRegistry(Path base, String modelName) {
    if (modelName == null || !modelName.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException("model_name expected letters, digits, '.', '_' or '-', got '" + modelName + "'");
    }
    this.dir = base.resolve(modelName);
  }

  public Path directory() {
    return dir;
  }

  /** Versions present on disk, in order (directories named by integers; hidden temporaries ignored). */
  public List<Long> versions() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
          .map(Long::parseLong).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list registry " + dir, e);
    }
  }

  /** The index entries, oldest first. */
  public List<Version> index() {
    Path f = dir.resolve(INDEX);
    if (!Files.exists(f)) {
      return List.of();
    }
    try {
      return JSON.readValue(f.toFile(), new TypeReference<List<Version>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("registry index " + f + " expected JSON, got " + e.getMessage(), e);
    }
  }

  /** Copies {@code modelDir} in as the next version and returns it. */
  public Version push(Path modelDir, String modelFingerprint, String reason) throws IOException {
    return publish(modelDir, modelDir.toString(), modelFingerprint, reason, null);
  }

  /** Serves {@code version} again by publishing its files as a new, highest version. */
  public Version rollback(long version, String reason) throws IOException {
    Version target = index().stream().filter(v -> v.version() == version).findFirst().orElseThrow(
        () -> new IllegalArgumentException("rollback version expected one of " + versions() + ", got " + version));
    return publish(dir.resolve(String.valueOf(version)), target.modelUri(), target.modelFingerprint(), reason, version);
  }

  private synchronized Version publish(Path source, String modelUri, String fingerprint, String reason, Long rollbackOf)
      throws IOException {
    Files.createDirectories(dir);
    cleanStaleTemporaries();
    long next = versions().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    Path tmp = Files.createTempDirectory(dir, ".tmp-");
    try {
      copyTree(source, tmp);
      Files.move(tmp, dir.resolve(String.valueOf(next)), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
    var v = new Version(next, modelUri, fingerprint, Instant.now().toString(), reason, rollbackOf);
    var all = new ArrayList<>(index());
    all.add(v);
    Path tmpIndex = dir.resolve(".tmp-" + INDEX);
    JSON.writeValue(tmpIndex.toFile(), all);
    Files.move(tmpIndex, dir.resolve(INDEX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return v;
  }

  /** Temporaries left by a crashed push. */
  void cleanStaleTemporaries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
        deleteTree(p);
      }
    }
  }

  /** Copying is a seam so a test can crash it midway. */
  protected void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
