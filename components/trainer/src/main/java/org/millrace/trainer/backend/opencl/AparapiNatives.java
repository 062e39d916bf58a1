package org.millrace.trainer.backend.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aparapi's JNI library, copied once per content into millrace's cache ({@code
 * $XDG_CACHE_HOME/millrace/native}, else {@code ~/.cache/millrace/native}, as sqlite-jdbc's) and
 * loaded from there. Left to itself, Aparapi copies it (2.8 MB) into a new {@code /tmp/Aparapi*}
 * directory in every JVM that looks for an OpenCL device (every run with a Trainer: the backend
 * choice is part of the cache key) and deletes it at exit; a process killed ({@code kill -9}, an
 * out-of-memory killer, a lost node) leaves it behind, one more each time.
 *
 * <p>The cached file is named by its content's hash, written under a temporary name and renamed,
 * so a reader never loads a partial or another version's file. Once it is loaded, Aparapi is told
 * so ({@code com.aparapi.useAgent}, which makes its loader take the library as loaded rather than
 * copy its own). When this JVM's OS and architecture have no library in the jar, the library does
 * not load (no OpenCL runtime: {@code libOpenCL.so.1} missing) or the cache cannot be written,
 * Aparapi does as it always does, and reports its own error.
 */
final class AparapiNatives {
  private static final Logger LOG = LoggerFactory.getLogger(AparapiNatives.class);
  /** Aparapi's property, read once when its {@code Config} class initializes. */
  static final String LOADED_PROPERTY = "com.aparapi.useAgent";
  private static boolean attempted;

  private AparapiNatives() {}

  /**
   * Loads the cached library, once per JVM; to be called before any Aparapi class initializes.
   * Failing, it leaves Aparapi to load its own.
   */
  static synchronized void load() {
    if (attempted) {
      return;
    }
    attempted = true;
    String resource = resource();
    Path dir = cacheDir();
    if (resource == null || dir == null || System.getProperty(LOADED_PROPERTY) != null) {
      return;
    }
    try {
      Path lib = cached(dir, resource);
      if (lib == null) {
        return;
      }
      System.load(lib.toString());
      System.setProperty(LOADED_PROPERTY, "true");
      LOG.debug("Aparapi's native library loaded from {}", lib);
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      LOG.debug("Aparapi's native library not loaded from millrace's cache {} ({}); Aparapi loads its own", dir,
          e.toString());
    }
  }

  /** The library of this JVM's platform in Aparapi's jar (its own loader's choice), or null. */
  static String resource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux")) {
      return null; // macOS and Windows: left to Aparapi (untested here)
    }
    return switch (arch) {
      case "amd64", "x86_64" -> "/linux/libaparapi_x86_64.so";
      case "aarch64" -> "/linux/libaparapi_aarch64.so";
      default -> null;
    };
  }

  /**
   * The library {@code resource} copied into {@code dir} as {@code libaparapi-<hash>.so} (a file
   * already there of that name and size is taken as it is); null when the jar has no such resource.
   */
  static Path cached(Path dir, String resource) throws IOException {
    byte[] bytes;
    try (InputStream in = com.aparapi.natives.NativeLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      bytes = in.readAllBytes();
    }
    String hash = HexFormat.of().formatHex(sha256(bytes), 0, 8);
    Path target = dir.resolve("libaparapi-" + hash + ".so");
    if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
      return target;
    }
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "libaparapi-" + hash, ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: the JDK has no SHA-256", e);
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
