package org.millrace.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc's native library is copied into the cache once, whole, and reused; a cached file of
 * the wrong size (a copy cut short by hand) is replaced; a platform the jar has no library for leaves
 * sqlite-jdbc to itself.
 */
class NativeCacheTest {
  private static final String RESOURCE = "/org/sqlite/native/"
      + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + System.mapLibraryName("sqlitejdbc");

  @TempDir
  Path dir;

  @Test
  void copiedOnceWholeAndReplacedWhenCutShort() throws Exception {
    byte[] library;
    try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(RESOURCE)) {
      library = in.readAllBytes();
    }
    Path cached = NativeCache.cached(org.sqlite.JDBC.class, dir.resolve("native"), RESOURCE, "v-lib.so");
    assertNotNull(cached);
    assertArrayEquals(library, Files.readAllBytes(cached));
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(cached, old);
    assertEquals(cached, NativeCache.cached(org.sqlite.JDBC.class, dir.resolve("native"), RESOURCE, "v-lib.so"));
    assertEquals(old, Files.getLastModifiedTime(cached), "a whole cached copy is reused, not rewritten");

    Files.write(cached, java.util.Arrays.copyOf(library, library.length / 2));
    assertEquals(cached, NativeCache.cached(org.sqlite.JDBC.class, dir.resolve("native"), RESOURCE, "v-lib.so"));
    assertArrayEquals(library, Files.readAllBytes(cached));
    try (var files = Files.list(dir.resolve("native"))) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  /** A cache directory someone else may write is not used (a library there could be planted). */
  @Test
  void aDirectoryOthersMayWriteIsRefused() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared/native"));
    Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> NativeCache.cached(org.sqlite.JDBC.class, shared, RESOURCE, "v-lib.so"));
    assertTrue(e.getMessage().contains("that no one else may write, got one of"), e.getMessage());
    try (var files = Files.list(shared)) {
      assertEquals(0, files.count(), "nothing written there");
    }
  }

  @Test
  void aPlatformWithoutALibraryIsLeftToSqliteJdbc() throws Exception {
    assertNull(NativeCache.cached(org.sqlite.JDBC.class, dir, "/org/sqlite/native/Nowhere/x/libsqlitejdbc.so", "v-lib.so"));
  }
}
