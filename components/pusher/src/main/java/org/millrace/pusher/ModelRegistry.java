package org.millrace.pusher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.millrace.api.artifact.Blessing;
import org.millrace.api.io.AtomicFiles;
import org.millrace.api.registry.RegistryEntry;
import org.millrace.api.registry.RegistryIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Published models under {@code <base>/<model_name>/<version>/} (TF Serving layout) with a
 * {@code registry.json} index. Versions appear only through an atomic rename of a fully copied
 * {@code .tmp-*} directory; the index is replaced atomically; pushes to one model name are
 * serialized by a file lock.
 *
 * <p>A version's index entry is written next to it ({@code .push-<version>.json}) before the version
 * directory's rename and removed after the index write, so a push that dies between the rename and the index write is completed by the next push: the
 * version is recorded, never left served without a record. Pushing the files the current version
 * already serves adopts that version instead of publishing them twice.
 */
public final class ModelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Path base;
  private final CopyHook hook;

  /** A registry rooted at {@code base}. */
  public ModelRegistry(Path base) {
    this(base, CopyHook.NONE);
  }

  ModelRegistry(Path base, CopyHook hook) {
    this.base = base;
    this.hook = hook;
  }

  /** Every published version of {@code name}, ascending (empty when none). */
  public List<RegistryEntry> list(String name) {
    return RegistryIndex.read(dir(name)).map(RegistryIndex::versions).orElse(List.of());
  }

  /** The names of the models with an index in this registry, sorted (none when the registry does not exist). */
  public List<String> names() {
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(base)) {
      // The index's presence, not its content: a damaged index of another model does not fail this listing.
      return s.filter(d -> Files.isRegularFile(d.resolve(RegistryIndex.FILE))).map(d -> d.getFileName().toString())
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing the registry " + base, e);
    }
  }

  /** The served version: the highest one not withdrawn by a rollback. */
  public Optional<RegistryEntry> current(String name) {
    return list(name).stream().filter(e -> !e.rolledBack()).reduce((a, b) -> b);
  }

  /** Publishes the files of {@code modelDir} as the next version of {@code name}. */
  public RegistryEntry push(String name, Path modelDir, String modelUri, String reason) {
    return publish(name, modelDir, modelUri, reason, null, null);
  }

  /**
   * A push the registry refuses: the model's files are those of a version a rollback withdrew, or a
   * version was published after the model was evaluated (its evaluation compared it with an older
   * model in production).
   */
  public static final class Refused extends IllegalStateException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * As {@link #push(String, Path, String, String)}, for a model evaluated at {@code evaluatedAt}
   * (null: not known). The files the served version already has are not published again (two runs
   * that trained the same model published it twice); files a rollback withdrew are refused (the
   * next run, its Trainer cached, published the rolled-back model again and undid the rollback), and
   * so is a model evaluated before the newest version was published (a resumed old run published a
   * model blessed against an older baseline over the newer ones): each a {@link Refused}.
   */
  public RegistryEntry push(String name, Path modelDir, String modelUri, String reason, Instant evaluatedAt) {
    return publish(name, modelDir, modelUri, reason, null, evaluatedAt);
  }

  /**
   * Serves {@code toVersion} again by re-publishing its files as a new highest version (TF Serving
   * serves the highest version dir) and marks the versions after it as rolled back.
   */
  public ManualDecision rollback(String name, int toVersion, String reason) {
    RegistryEntry target = list(name).stream().filter(e -> e.version() == toVersion).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(String.format("rollback version expected one of %s, got %d "
            + "for model '%s' in %s", list(name).stream().map(RegistryEntry::version).toList(), toVersion, name, dir(name))));
    var served = current(name);
    if (served.isPresent() && (served.get().version() == toVersion
        || served.get().fingerprint() != null && served.get().fingerprint().equals(target.fingerprint()))) {
      // Published again, the same files would be a new version of what is served.
      throw new IllegalArgumentException(String.format("rollback version expected one that is not served now, got %d"
          + " for model '%s': version %d, %s, is served", toVersion, name, served.get().version(),
          served.get().version() == toVersion ? "the newest" : "the same files"));
    }
    RegistryEntry e = publish(name, dir(name).resolve(Integer.toString(toVersion)), target.modelUri(), reason, toVersion,
        null);
    return new ManualDecision("rollback", target.modelUri(), dir(name).resolve(Integer.toString(e.version())).toString(),
        e.version(), toVersion, reason, e.pushedAt());
  }

  /** Writes a manual ModelBlessing ({@code blessing.json}, blessed) for {@code modelDir} into {@code blessingDir}. */
  public static ManualDecision bless(Path modelDir, Path blessingDir, String reason) {
    if (!Files.isDirectory(modelDir)) {
      throw new IllegalArgumentException("bless expected a model directory, got " + modelDir);
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("bless expected a reason, got none. Say why the model is blessed by hand");
    }
    String now = Instant.now().toString();
    new Blessing(true, modelDir.toString(), null, null, "manual", reason, now, List.of()).write(blessingDir);
    return new ManualDecision("bless", modelDir.toString(), blessingDir.toString(), null, null, reason, now);
  }

  private RegistryEntry publish(String name, Path source, String modelUri, String reason, Integer rollbackOf,
      Instant evaluatedAt) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("model name expected [A-Za-z0-9][A-Za-z0-9._-]*, got '" + name + "'");
    }
    if (!Files.isDirectory(source)) {
      throw new IllegalArgumentException("push expected a model directory, got " + source);
    }
    Path dir = dir(name);
    try {
      Files.createDirectories(dir);
      try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock lock = ch.lock()) {
        cleanStale(dir);
        List<RegistryEntry> versions = new ArrayList<>(list(name));
        if (recordUnrecorded(dir, versions)) {
          new RegistryIndex(name, versions).write(dir);
          for (RegistryEntry e : versions) {
            Files.deleteIfExists(pushRecord(dir, e.version()));
          }
        }
        if (rollbackOf == null) {
          Optional<RegistryEntry> served = versions.stream().filter(e -> !e.rolledBack()).reduce((a, b) -> b);
          String files = fingerprint(source);
          if (served.isPresent() && files.equals(served.get().fingerprint())) {
            LOG.info("{} version {} already serves the files of {}: not published again", name,
                served.get().version(), modelUri);
            return served.get();
          }
          // The newest version of these files, if a rollback withdrew it (files served again on purpose by a
          // rollback to them, then superseded, are not withdrawn).
          Optional<RegistryEntry> withdrawn = versions.stream().filter(e -> files.equals(e.fingerprint()))
              .reduce((a, b) -> b).filter(RegistryEntry::rolledBack);
          if (withdrawn.isPresent()) {
            int v = withdrawn.get().version();
            RegistryEntry by = versions.stream().filter(e -> e.rollbackOf() != null && e.version() > v
                && e.rollbackOf() < v).findFirst().orElse(null);
            throw new Refused("not published: these are the files of version " + v + ", withdrawn by "
                + (by == null ? "a rollback" : "the rollback to version " + by.rollbackOf() + " (version "
                    + by.version() + ", " + by.pushedAt() + ": " + by.reason() + ")") + ". To serve them again on"
                + " purpose: millrace models rollback " + name + " --to " + v + " --reason ...");
          }
          if (evaluatedAt != null) {
            Optional<RegistryEntry> newer = versions.stream().filter(e -> e.pushedAt() != null
                && Instant.parse(e.pushedAt()).isAfter(evaluatedAt)).reduce((a, b) -> b);
            if (newer.isPresent()) {
              throw new Refused("not published: version " + newer.get().version() + " was published at "
                  + newer.get().pushedAt() + ", after this model was evaluated at " + evaluatedAt + " against the"
                  + " model in production then. Run the pipeline again to evaluate it against the one now");
            }
          }
        }
        int next = Math.max(maxVersionDir(dir), versions.stream().mapToInt(RegistryEntry::version).max().orElse(0)) + 1;
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        String fingerprint = copyTree(source, tmp);
        var entry = new RegistryEntry(next, modelUri, fingerprint, Instant.now().toString(), reason, rollbackOf, false);
        AtomicFiles.write(pushRecord(dir, next), MAPPER.writeValueAsBytes(entry));
        Files.move(tmp, dir.resolve(Integer.toString(next)), StandardCopyOption.ATOMIC_MOVE);
        org.millrace.api.fault.CrashPoints.hit("pusher-renamed");
        if (rollbackOf != null) {
          versions.replaceAll(e -> e.version() > rollbackOf ? e.withRolledBack() : e);
        }
        versions.add(entry);
        new RegistryIndex(name, versions).write(dir);
        Files.deleteIfExists(pushRecord(dir, next));
        LOG.info("published {} version {} from {}{}", name, next, modelUri,
            rollbackOf == null ? "" : " (rollback of version " + rollbackOf + ")");
        return entry;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("push of " + source + " to " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** A version's own index entry, next to its directory until the index records it. */
  private static Path pushRecord(Path dir, int version) {
    return dir.resolve(".push-" + version + ".json");
  }

  /**
   * Adds to {@code versions} the version directories that carry a push record but are missing from
   * the index (their push died before the index write); returns whether any was added.
   */
  private static boolean recordUnrecorded(Path dir, List<RegistryEntry> versions) throws IOException {
    var known = new java.util.HashSet<Integer>();
    versions.forEach(e -> known.add(e.version()));
    List<Path> dirs;
    try (Stream<Path> s = Files.list(dir)) {
      dirs = s.filter(p -> p.getFileName().toString().matches("\\d{1,9}")).sorted(java.util.Comparator.comparingInt(
          p -> Integer.parseInt(p.getFileName().toString()))).toList();
    }
    boolean added = false;
    for (Path v : dirs) {
      int n = Integer.parseInt(v.getFileName().toString());
      Path record = pushRecord(dir, n);
      if (known.contains(n) || !Files.isRegularFile(record)) {
        continue;
      }
      RegistryEntry e = MAPPER.readValue(record.toFile(), RegistryEntry.class);
      if (e.rollbackOf() != null) {
        int of = e.rollbackOf();
        versions.replaceAll(x -> x.version() > of ? x.withRolledBack() : x);
      }
      versions.add(e);
      LOG.warn("{}: version {} was published but not recorded (a push died before writing the index): recorded now",
          dir, n);
      added = true;
    }
    versions.sort(java.util.Comparator.comparingInt(RegistryEntry::version));
    // Records of versions now in the index, or whose directory never appeared (the push died before the rename).
    try (Stream<Path> s = Files.list(dir)) {
      for (Path r : s.filter(p -> p.getFileName().toString().matches("\\.push-\\d{1,9}\\.json")).toList()) {
        String n = r.getFileName().toString().replaceAll("\\D", "");
        if (known.contains(Integer.parseInt(n)) || !Files.isDirectory(dir.resolve(n))) {
          Files.deleteIfExists(r);
        }
      }
    }
    return added;
  }

  /** The fingerprint {@link #copyTree} computes for the files of {@code source}. */
  private static String fingerprint(Path source) throws IOException {
    MessageDigest sha = sha256();
    List<Path> files;
    try (Stream<Path> s = Files.walk(source)) {
      files = s.sorted().filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      String rel = source.relativize(f).toString().replace('\\', '/');
      sha.update(rel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      try (var in = Files.newInputStream(f)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          sha.update(buf, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private Path dir(String name) {
    return base.resolve(name);
  }

  private static int maxVersionDir(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{1,9}"))
          .mapToInt(Integer::parseInt).max().orElse(0);
    }
  }

  /** Removes {@code .tmp-*} left by a push that died (safe: we hold the lock). */
  private static void cleanStale(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
        LOG.warn("removing stale partial push {}", p);
        deleteTree(p);
      }
    }
  }

  private String copyTree(Path source, Path target) throws IOException {
    MessageDigest sha = sha256();
    List<Path> files;
    try (Stream<Path> s = Files.walk(source)) {
      files = s.sorted().toList();
    }
    for (Path f : files) {
      Path rel = source.relativize(f);
      Path to = target.resolve(rel.toString());
      if (Files.isDirectory(f)) {
        Files.createDirectories(to);
        continue;
      }
      Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
      sha.update(rel.toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      try (var in = Files.newInputStream(to)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          sha.update(buf, 0, n);
        }
      }
      hook.copied(to);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: SHA-256 missing from the JDK", e);
    }
  }
}
