package org.millrace.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native libraries (sqlite-jdbc's; the CLI's snappy-java), copied once per version into millrace's cache
 * ({@code $XDG_CACHE_HOME/millrace/native}, else {@code ~/.cache/millrace/native}) and loaded from
 * there. Left to themselves, both copy their library out of their jar into the temporary directory
 * on every start (sqlite-jdbc's about 0.1 s of every command) and leave the copy behind when the
 * JVM is killed: one more file in {@code /tmp} per {@code kill -9}. A copy is named by its version
 * and a hash of the jar it comes from (place, time, size), written under a temporary name and
 * renamed, so a reader never loads a partial file; a cached file of the wrong size is replaced; the
 * cache is used only when it and its parent are this user's and no one else may write them (so no
 * one else can have put a file of that name there). When the library's own path property is set, the jar has no library for this
 * platform, or the cache cannot be written, the library does as it always does.
 */
public final class NativeCache {
  private static final Logger LOG = LoggerFactory.getLogger(NativeCache.class);
  static final String SQLITE_PATH = "org.sqlite.lib.path";
  static final String SQLITE_NAME = "org.sqlite.lib.name";
  private static boolean sqlitePrepared;

  private NativeCache() {}

  /** Points sqlite-jdbc at the cached library, copying it there first if needed; once per JVM. */
  static synchronized void prepareSqlite() {
    if (sqlitePrepared) {
      return;
    }
    sqlitePrepared = true;
    String name = System.mapLibraryName("sqlitejdbc").replace(".dylib", ".jnilib");
    String resource = "/org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
    prepare(org.sqlite.JDBC.class, resource, org.sqlite.SQLiteJDBCLoader.getVersion() + "-" + name, SQLITE_PATH,
        SQLITE_NAME);
  }

  /**
   * Sets {@code pathProperty} and {@code nameProperty} (a library's own properties for where its
   * native library is) to the copy of {@code owner}'s {@code resource} in the cache, named {@code
   * fileName} (which names the library's version), copying it there first if needed; nothing when
   * either property is set already, or the copy cannot be made.
   */
  public static void prepare(Class<?> owner, String resource, String fileName, String pathProperty,
      String nameProperty) {
    if (System.getProperty(pathProperty) != null || System.getProperty(nameProperty) != null) {
      return;
    }
    Path dir = dir();
    if (dir == null) {
      return;
    }
    try {
      Path cached = cached(owner, dir, resource, fileName);
      if (cached != null) {
        System.setProperty(pathProperty, cached.getParent().toString());
        System.setProperty(nameProperty, cached.getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("{} not cached in {} ({}); its library extracts its own", resource, dir, e.toString());
    }
  }

  /**
   * {@code owner}'s library {@code resource} copied into the cache ({@link #cached}), or null when
   * the jar has none, there is no home directory, or the cache cannot be used (its error logged).
   */
  public static Path library(Class<?> owner, String resource, String fileName) {
    Path dir = dir();
    if (dir == null) {
      return null;
    }
    try {
      return cached(owner, dir, resource, fileName);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{} not cached in {} ({}); its library extracts its own", resource, dir, e.toString());
      return null;
    }
  }

  /**
   * The library in {@code dir} under {@code fileName}, copied from {@code owner}'s {@code resource};
   * null if the jar has none.
   */
  static Path cached(Class<?> owner, Path dir, String resource, String fileName) throws IOException {
    java.net.URL url = owner.getResource(resource);
    if (url == null) {
      return null;
    }
    var connection = url.openConnection();
    long size = connection.getContentLengthLong();
    ownDirectory(dir);
    // Named by the jar it comes from (its place, size and time) rather than by the content, which every
    // command would then read and hash (2.8 MB of Aparapi's for the commands that run pipelines): two
    // installs whose versions share a name (snappy-java says 1.1.10 for every 1.1.10.x) do not replace
    // each other's file between one's check and its load, and a jar replaced in place gets a new name.
    Path target = dir.resolve(hashed(fileName, (url + "\n" + jarTime(owner) + "\n" + size)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == size) {
      return target;
    }
    Path temp = Files.createTempFile(dir, fileName, ".tmp");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      if (Files.size(temp) != size) {
        throw new IOException("copied " + Files.size(temp) + " bytes of " + resource + ", expected " + size);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  /** When the jar (or directory) holding {@code owner} was last written; 0 when that is unknown. */
  private static long jarTime(Class<?> owner) {
    try {
      var source = owner.getProtectionDomain().getCodeSource();
      return source == null ? 0 : Files.getLastModifiedTime(Path.of(source.getLocation().toURI())).toMillis();
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      return 0;
    }
  }

  /** {@code name} with the first 16 hex digits of {@code bytes}' SHA-256 before its extension. */
  static String hashed(String name, byte[] bytes) {
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: the JDK has no SHA-256", e);
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) + "-" + hash + name.substring(dot) : name + "-" + hash;
  }

  /**
   * Makes {@code dir} (mode 0700 where created) and checks that it and its parent are directories
   * of this user that no one else may write: a library loaded from a directory another user can
   * write (a shared {@code XDG_CACHE_HOME}, {@code HOME=/tmp}) could be one they planted. Fails
   * (the caller then leaves the library to extract its own) when they are not.
   */
  static void ownDirectory(Path dir) throws IOException {
    var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    try {
      if (!Files.isDirectory(dir.getParent())) {
        Files.createDirectories(dir.getParent().getParent());
        Files.createDirectory(dir.getParent(), owner);
      }
      if (!Files.isDirectory(dir)) {
        Files.createDirectory(dir, owner);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // made by another process meanwhile: checked below
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir); // not POSIX: no owner or modes to check
      return;
    }
    String me = System.getProperty("user.name");
    for (Path d : java.util.List.of(dir, dir.getParent())) {
      if (Files.isSymbolicLink(d) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(d + " expected a directory, got a symbolic link or a file");
      }
      String who = Files.getOwner(d, LinkOption.NOFOLLOW_LINKS).getName();
      var modes = Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS);
      if (!who.equals(me) || modes.contains(PosixFilePermission.GROUP_WRITE)
          || modes.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException(d + " expected a directory of " + me + " that no one else may write, got one of "
            + who + " " + PosixFilePermissions.toString(modes));
      }
    }
  }

  /** millrace's cache of native libraries, or null without a home directory. */
  public static Path dir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "millrace", "native");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "millrace", "native");
  }
}
