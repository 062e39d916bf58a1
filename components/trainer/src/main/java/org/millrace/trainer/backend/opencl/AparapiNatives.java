package org.millrace.trainer.backend.opencl;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aparapi's JNI library from millrace's cache of native libraries rather than from a copy of its
 * own. Left to itself, Aparapi copies the library (2.8 MB) into a new {@code /tmp/Aparapi*}
 * directory in every JVM that looks for an OpenCL device (every run with a Trainer: the backend
 * choice is part of the cache key) and deletes it at exit; a process killed ({@code kill -9}, an
 * out-of-memory killer, a lost node) leaves it behind, one more each time.
 *
 * <p>The commands that run pipelines copy it into the cache ({@code NativeCache} of the metadata
 * store's module: a directory of this user's that no one else may write, the file named by its
 * content) and name it in {@link #LIBRARY_PROPERTY}; this loads it from there and tells Aparapi so
 * ({@code com.aparapi.useAgent}, which makes its loader take the library as loaded rather than copy
 * its own). Without the property (a JVM not started by the CLI, a Spark executor), or when the
 * library does not load (no OpenCL runtime: {@code libOpenCL.so.1} missing), Aparapi does as it
 * always does and reports its own error.
 */
public final class AparapiNatives {
  private static final Logger LOG = LoggerFactory.getLogger(AparapiNatives.class);
  /** The cached library's path, set by the CLI. */
  public static final String LIBRARY_PROPERTY = "millrace.aparapi.library";
  /** Aparapi's property, read once when its {@code Config} class initializes. */
  static final String LOADED_PROPERTY = "com.aparapi.useAgent";
  private static boolean attempted;

  private AparapiNatives() {}

  /** Loads the cached library, once per JVM; to be called before any Aparapi class initializes. */
  static synchronized void load() {
    if (attempted) {
      return;
    }
    attempted = true;
    String lib = System.getProperty(LIBRARY_PROPERTY);
    if (lib == null || System.getProperty(LOADED_PROPERTY) != null) {
      return;
    }
    try {
      System.load(lib);
      System.setProperty(LOADED_PROPERTY, "true");
      LOG.debug("Aparapi's native library loaded from {}", lib);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.debug("Aparapi's native library not loaded from {} ({}); Aparapi loads its own", lib, e.toString());
    }
  }

  /** The library of this JVM's platform in Aparapi's jar (its own loader's choice), or null. */
  public static String resource() {
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
}
