package org.millrace.evaluator;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.millrace.api.data.ExamplesIO;

/**
 * Bounds the number of slices before any model runs. Each slice keeps a full metric accumulator
 * (hundreds of KB with AUC buckets), so slicing by a high-cardinality column (an id, a timestamp)
 * would exhaust the heap. {@link #of} counts each slicing spec's distinct values over the split —
 * counting at most {@link #COUNT_LIMIT} distinct values per spec — and either fails naming the spec
 * and the count, or (with {@link SliceOverflow#TOP_N}) keeps the most frequent values.
 */
public final class SliceLimits implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The most distinct values counted per spec: past it the count stops (memory stays bounded). */
  public static final int COUNT_LIMIT = 1_000_000;
  /** The value that stands for every value a capped spec did not keep. */
  public static final String OTHER = "<other>";

  /** Per capped spec (its names joined with ','), the slice keys kept. */
  private final HashMap<String, TreeSet<String>> kept;

  private SliceLimits(HashMap<String, TreeSet<String>> kept) {
    this.kept = kept;
  }

  /** No spec capped. */
  public static SliceLimits none() {
    return new SliceLimits(new HashMap<>());
  }

  /**
   * Counts the distinct slice keys of each non-empty spec over the split's rows and checks them
   * against {@code maxSlices}.
   *
   * @throws IllegalArgumentException with {@link SliceOverflow#FAIL}, when a spec has more values
   */
  public static SliceLimits of(Path splitDir, List<List<String>> specs, int maxSlices, SliceOverflow overflow,
      String split) {
    List<List<String>> sliced = specs.stream().filter(s -> !s.isEmpty()).toList();
    var limits = none();
    if (sliced.isEmpty()) {
      return limits;
    }
    List<Map<String, long[]>> counts = new ArrayList<>();
    sliced.forEach(s -> counts.add(new HashMap<>()));
    boolean[] full = new boolean[sliced.size()];
    ExamplesIO.forEachBatchInSplit(splitDir, batch -> {
      SliceKeys.check(batch, sliced);
      for (int s = 0; s < sliced.size(); s++) {
        Map<String, long[]> c = counts.get(s);
        for (int r = 0; r < batch.rowCount(); r++) {
          String key = SliceKeys.key(batch, sliced.get(s), r);
          long[] n = c.get(key);
          if (n != null) {
            n[0]++;
          } else if (c.size() < COUNT_LIMIT) {
            c.put(key, new long[] {1});
          } else {
            full[s] = true;
          }
        }
      }
    });
    for (int s = 0; s < sliced.size(); s++) {
      Map<String, long[]> c = counts.get(s);
      if (c.size() <= maxSlices) {
        continue;
      }
      String spec = String.join(",", sliced.get(s));
      String seen = full[s] ? "more than " + COUNT_LIMIT : Integer.toString(c.size());
      if (overflow == SliceOverflow.FAIL) {
        throw new IllegalArgumentException(String.format("slices expected at most max_slices (%d) distinct values"
            + " per slicing spec, got %s for [%s] in split '%s'. Slice on a column with fewer values, raise"
            + " max_slices (each slice holds a full metric accumulator), or set slice_overflow: top_n to keep"
            + " the %d most frequent and put the rest in the slice '%s'", maxSlices, seen, spec, split, maxSlices,
            otherKey(sliced.get(s))));
      }
      var top = new TreeSet<String>();
      c.entrySet().stream()
          .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
              .thenComparing(Map.Entry::getKey))
          .limit(maxSlices).forEach(e -> top.add(e.getKey()));
      limits.kept.put(spec, top);
    }
    return limits;
  }

  /** The slice key of {@code key} under these limits: itself, or its spec's {@link #OTHER} slice. */
  public String apply(List<String> spec, String key) {
    if (kept.isEmpty() || spec.isEmpty()) {
      return key;
    }
    Set<String> keep = kept.get(String.join(",", spec));
    return keep == null || keep.contains(key) ? key : otherKey(spec);
  }

  /** The specs that were capped, with how many values each keeps. */
  public Map<String, Integer> capped() {
    var out = new LinkedHashMap<String, Integer>();
    new TreeSet<>(kept.keySet()).forEach(k -> out.put(k, kept.get(k).size()));
    return out;
  }

  static String otherKey(List<String> spec) {
    return String.join(",", spec) + "=" + OTHER;
  }
}
