package org.millrace.ingest.beam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Concatenates the temporary quarantine files of the parser's calls, in the order of their keys
 * (input file, then first line), into the quarantine file, streaming one file at a time; then
 * removes the temporary directory. Outputs the number of rejected rows written.
 */
public final class WriteQuarantineFn extends DoFn<KV<Integer, Iterable<KV<String, String>>>, Long> {
  private final String file;
  private final String tempDir;

  public WriteQuarantineFn(String file, String tempDir) {
    this.file = file;
    this.tempDir = tempDir;
  }

  @ProcessElement
  public void process(@Element KV<Integer, Iterable<KV<String, String>>> parts, OutputReceiver<Long> out)
      throws IOException {
    List<KV<String, String>> all = new ArrayList<>();
    parts.getValue().forEach(all::add);
    out.output(concatenate(file, tempDir, all));
  }

  /**
   * Concatenates the temporary quarantine files ({@code (sort key, path)}) in key order into
   * {@code file}, atomically, removes {@code tempDir} and returns the number of rows written.
   */
  public static long concatenate(String file, String tempDir, List<KV<String, String>> parts) throws IOException {
    List<KV<String, String>> sorted = new ArrayList<>(parts);
    sorted.sort((a, b) -> a.getKey().compareTo(b.getKey()));
    Path target = Path.of(file);
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    long lines = 0;
    try (var w = Files.newOutputStream(partial)) {
      for (KV<String, String> part : sorted) {
        Path p = Path.of(part.getValue());
        Files.copy(p, w);
        try (Stream<String> s = Files.lines(p)) {
          lines += s.count();
        }
      }
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(Path.of(tempDir));
    return lines;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
