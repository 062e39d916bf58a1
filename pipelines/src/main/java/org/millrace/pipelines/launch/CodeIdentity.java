package org.millrace.pipelines.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The code an execution ran: millrace's version (the Maven version its jars were built as) and a
 * SHA-256 over its jars on the class path ({@code millrace-*.jar}: each name and its bytes, by
 * name), so that a model traces back to the exact build that made it, a snapshot's too. Every
 * execution records both ({@code millrace_version}, {@code millrace_code}); {@code runs show} prints
 * them. Running from class directories (an IDE), the code is {@code ""}: not a build.
 */
public final class CodeIdentity {
  /** The execution properties. */
  public static final String VERSION = "millrace_version";
  public static final String CODE = "millrace_code";

  private static final String POM = "/META-INF/maven/org.millrace/millrace-pipelines/pom.properties";

  private static volatile String version;
  private static volatile String code;

  private CodeIdentity() {}

  /** millrace's version, or {@code "unknown"} outside its packaged jars. */
  public static String version() {
    if (version == null) {
      String v = null;
      try (InputStream in = CodeIdentity.class.getResourceAsStream(POM)) {
        if (in != null) {
          var p = new Properties();
          p.load(in);
          v = p.getProperty("version");
        }
      } catch (IOException e) {
        v = null;
      }
      version = v == null ? "unknown" : v;
    }
    return version;
  }

  /** {@code sha256:<hex>} of millrace's jars on the class path, or {@code ""} without any. */
  public static String code() {
    if (code == null) {
      code = code(List.of(System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)));
    }
    return code;
  }

  static String code(List<String> classPath) {
    List<Path> jars = classPath.stream().filter(e -> !e.isBlank()).map(Path::of)
        .filter(p -> p.getFileName() != null && p.getFileName().toString().matches("millrace-.*\\.jar")
            && Files.isRegularFile(p))
        .sorted(java.util.Comparator.comparing(p -> p.getFileName().toString())).toList();
    if (jars.isEmpty()) {
      return "";
    }
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: SHA-256 missing from the JDK", e);
    }
    byte[] buf = new byte[1 << 16];
    for (Path jar : jars) {
      md.update(jar.getFileName().toString().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      try (InputStream in = Files.newInputStream(jar)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + jar + " for the code's identity", e);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }
}
