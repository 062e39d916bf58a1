package org.millrace.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sqlite-jdbc's native library, copied once per sqlite-jdbc version into millrace's cache
 * ({@code $XDG_CACHE_HOME/millrace/native}, else {@code ~/.cache/millrace/native}) and loaded from
 * there. Left to itself, sqlite-jdbc copies the library out of its jar into the temporary
 * directory on every start (about 0.1 s of every command) and leaves the copy behind when the JVM
 * is killed. The copy is written under a temporary name and renamed, so a reader never loads a
 * partial file; a cached file of the wrong size is replaced. When {@code org.sqlite.lib.path} is set,
 * the jar has no library for this platform, or the cache cannot be written, sqlite-jdbc does as it
 * always does.
 */
final class SqliteNative {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static boolean prepared;

  private SqliteNative() {}

  /** Points sqlite-jdbc at the cached library, copying it there first if needed; once per JVM. */
  static synchronized void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
      return;
    }
    Path dir = cacheDir();
    if (dir == null) {
      return;
    }
    String name = System.mapLibraryName("sqlitejdbc").replace(".dylib", ".jnilib");
    String resource = "/org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
    try {
      Path cached = cached(dir, resource, org.sqlite.SQLiteJDBCLoader.getVersion() + "-" + name);
      if (cached != null) {
        System.setProperty(PATH_PROPERTY, cached.getParent().toString());
        System.setProperty(NAME_PROPERTY, cached.getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("sqlite-jdbc's native library not cached in {} ({}); it extracts its own", dir, e.toString());
    }
  }

  /** The library in {@code dir} under {@code fileName}, copied from {@code resource}; null if the jar has none. */
  static Path cached(Path dir, String resource, String fileName) throws IOException {
    long size;
    try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      Path target = dir.resolve(fileName);
      var connection = org.sqlite.JDBC.class.getResource(resource).openConnection();
      size = connection.getContentLengthLong();
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        return target;
      }
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, fileName, ".tmp");
      try {
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
  }

  /** millrace's cache of native libraries, or null without a home directory. */
  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "millrace", "native");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "millrace", "native");
  }
}
