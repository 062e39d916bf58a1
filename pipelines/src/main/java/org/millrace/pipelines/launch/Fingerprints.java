package org.millrace.pipelines.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.stream.Stream;

/**
 * SHA-256 fingerprints of artifact directories (relative paths, sizes and contents) and strings.
 *
 * <p>A directory's fingerprint is a function of its content only, so two runs that computed the same
 * thing get the same fingerprint; the bytes that cannot be stable between such runs are left out:
 * JSON fields named {@code millis} (wall-clock timings, such as a training history's per-epoch
 * time) and {@code index.html} pages (human-readable renderings of the JSON beside them, which show
 * those timings).
 */
public final class Fingerprints {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fingerprints() {}

  public static String ofDirectory(Path dir) {
    MessageDigest md = sha256();
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> files = walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals("index.html")).sorted().toList();
      byte[] buf = new byte[1 << 16];
      for (Path f : files) {
        md.update(dir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        byte[] json = f.getFileName().toString().endsWith(".json") ? stableJson(f) : null;
        if (json != null) {
          md.update(Long.toString(json.length).getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
          md.update(json);
          continue;
        }
        md.update(Long.toString(Files.size(f)).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        try (InputStream in = Files.newInputStream(f)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fingerprint " + dir, e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The JSON file without its {@code millis} fields, re-serialized; null if it is not JSON. */
  static byte[] stableJson(Path f) throws IOException {
    JsonNode tree;
    try {
      tree = JSON.readTree(f.toFile());
    } catch (JsonProcessingException e) {
      return null;
    }
    if (tree == null) {
      return null;
    }
    dropTimings(tree);
    return JSON.writeValueAsBytes(tree);
  }

  private static void dropTimings(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove("millis");
    }
    node.forEach(Fingerprints::dropTimings);
  }

  public static String of(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: the JDK has no SHA-256", e);
    }
  }
}
