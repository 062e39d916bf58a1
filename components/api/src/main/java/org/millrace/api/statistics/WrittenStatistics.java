package org.millrace.api.statistics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.format.StatisticsModel;

/**
 * Statistics of splits computed while their examples were written, held in this JVM for the
 * StatisticsGen that reads them next: ExampleGen, in process, adds each batch it writes to an
 * accumulator of its split, so StatisticsGen need not read the parts back to compute the same
 * values (the accumulators' result depends only on the multiset of values: {@link FeatureAccumulator}).
 *
 * <p>A split is found by the identity of its part files: their names, sizes, modification times and
 * file keys (device and inode), which the launcher's rename of the artifact's directory keeps. A part
 * added, removed or rewritten since means the split is not found, and StatisticsGen reads it. A
 * split's statistics are held until a StatisticsGen takes them, and only the last {@value #KEEP}
 * splits are (a split's statistics hold up to 10,000 counted values per string feature).
 */
public final class WrittenStatistics {
  static final int KEEP = 8;
  private static final Map<List<Part>, StatisticsModel> HELD = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Part>, StatisticsModel> eldest) {
      return size() > KEEP;
    }
  };

  /** What identifies a part file's bytes without reading them. */
  record Part(String name, long size, long modifiedNanos, Object fileKey) {}

  private WrittenStatistics() {}

  /**
   * Holds the statistics ({@link SplitAccumulator#result}) of the parts now in {@code splitDir}: the
   * object itself, which StatisticsGen writes without a round trip through JSON.
   */
  public static void remember(Path splitDir, StatisticsModel statistics) throws IOException {
    List<Part> parts = parts(splitDir);
    if (parts.isEmpty()) {
      return; // nothing identifies it
    }
    synchronized (HELD) {
      HELD.put(parts, statistics);
    }
  }

  /**
   * The statistics of the parts now in {@code splitDir}, no longer held, if they were written in this
   * JVM and are unchanged; else null.
   */
  public static StatisticsModel take(Path splitDir) throws IOException {
    return held(splitDir, true);
  }

  /** {@link #take} without taking them: the statistics held for the parts now in {@code splitDir}, or null. */
  public static StatisticsModel find(Path splitDir) throws IOException {
    return held(splitDir, false);
  }

  private static StatisticsModel held(Path splitDir, boolean take) throws IOException {
    List<Part> parts = parts(splitDir);
    if (parts.isEmpty()) {
      return null;
    }
    synchronized (HELD) {
      return take ? HELD.remove(parts) : HELD.get(parts);
    }
  }

  private static List<Part> parts(Path splitDir) throws IOException {
    var out = new ArrayList<Part>();
    for (Path p : ExamplesIO.parts(splitDir)) {
      var a = Files.readAttributes(p, BasicFileAttributes.class);
      out.add(new Part(p.getFileName().toString(), a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
          a.fileKey()));
    }
    return List.copyOf(out);
  }
}
