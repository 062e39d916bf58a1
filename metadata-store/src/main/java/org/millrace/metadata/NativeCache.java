package org.millrace.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native libraries (sqlite-jdbc's; the CLI's snappy-java), copied once per version into millrace's cache
 * ({@code $XDG_CACHE_HOME/millrace/native}, else {@code ~/.cache/millrace/native}) and loaded from
 * there. Left to themselves, both copy their library out of their jar into the temporary directory
 * on every start (sqlite-jdbc's about 0.1 s of every command) and leave the copy behind when the
 * JVM is killed: one more file in {@code /tmp} per {@code kill -9}. A copy is written under a
 * temporary name and renamed, so a reader never loads a partial file; a cached file that differs
 * from the jar's library is replaced. When the library's own path property is set, the jar has no library for this
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
   * The library in {@code dir} under {@code fileName}, copied from {@code owner}'s {@code resource};
   * null if the jar has none.
   */
  static Path cached(Class<?> owner, Path dir, String resource, String fileName) throws IOException {
    byte[] library;
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      library = in.readAllBytes();
    }
    Path target = dir.resolve(fileName);
    // Compared whole, not by size: a version's name (snappy-java says 1.1.10 for each 1.1.10.x) may
    // hold another build's library.
    if (Files.isRegularFile(target) && Files.size(target) == library.length
        && Arrays.equals(Files.readAllBytes(target), library)) {
      return target;
    }
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, fileName, ".tmp");
    try {
      Files.write(temp, library);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
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
