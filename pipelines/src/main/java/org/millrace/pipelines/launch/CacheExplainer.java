package org.millrace.pipelines.launch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.Value;

/** Says why a node's execution in a run was a cache hit or a miss, part by part of the cache key. */
public final class CacheExplainer {
  private final StoreQueries queries;

  public CacheExplainer(StoreQueries queries) {
    this.queries = queries;
  }

  public List<String> explain(String pipeline, String runId, String node) {
    List<Execution> all = queries.nodeExecutions(pipeline, node, Set.of());
    Optional<Execution> mine = all.stream().filter(e -> runId.equals(StoreQueries.runIdOf(e))).findFirst();
    if (mine.isEmpty()) {
      throw new IllegalArgumentException("node '" + node + "' expected an execution in run " + runId + ", got none");
    }
    Execution e = mine.get();
    var out = new ArrayList<String>();
    String cachedFrom = StoreQueries.stringProp(e, Keys.CACHED_FROM);
    if (e.state() == ExecutionState.CACHED) {
      boolean collected = !queries.outputs(e.id()).values().stream().flatMap(List::stream)
          .allMatch(Artifacts::filesExist);
      out.add("cache HIT: same cache key " + shortKey(e) + " as execution " + cachedFrom
          + ", whose outputs it reused; the executor did not run."
          + (collected ? " (Those files have been collected since.)" : ""));
      return out;
    }
    out.add("cache MISS (execution " + e.id() + ", state " + e.state() + ", key " + shortKey(e) + ")");
    // An earlier execution of the same key first: what stopped its reuse (collected files, a failure) is the
    // reason, not what differs from the latest execution, which may have had other parameters.
    String key = StoreQueries.stringProp(e, Keys.CACHE_KEY);
    List<Execution> earlier = all.stream().filter(x -> x.id() < e.id() && !runId.equals(StoreQueries.runIdOf(x))
        && StoreQueries.stringProp(x, Keys.CACHE_KEY) != null).toList();
    Optional<Execution> sameKey = earlier.stream()
        .filter(x -> key != null && key.equals(StoreQueries.stringProp(x, Keys.CACHE_KEY))).findFirst();
    if (earlier.isEmpty()) {
      out.add("no earlier execution of node '" + node + "': nothing to reuse.");
      return out;
    }
    Execution p = sameKey.orElse(earlier.get(0));
    out.add("compared with the latest earlier execution" + (sameKey.isPresent() ? " of the same key, " : " ") + p.id()
        + " (run " + StoreQueries.runIdOf(p) + ", " + p.state() + "):");
    int before = out.size();
    diffVersion(p, e, out);
    diffParameters(p, e, out);
    diffInputs(p, e, out);
    if (!Objects.equals(StoreQueries.stringProp(p, Keys.CACHE_DRIVER), StoreQueries.stringProp(e, Keys.CACHE_DRIVER))) {
      out.addAll(driverChanges(StoreQueries.stringProp(p, Keys.CACHE_DRIVER),
          StoreQueries.stringProp(e, Keys.CACHE_DRIVER)));
    }
    if (out.size() == before) {
      boolean reusable = queries.cacheHit(e.type(), key).filter(x -> x.id() != e.id()).isPresent();
      Value ended = p.customProperties().get(Keys.ENDED_MS);
      boolean stillRunning = ended != null && e.createTime() != null
          && ((Number) ended.raw()).longValue() > e.createTime().toEpochMilli();
      if (p.state() != ExecutionState.COMPLETE && p.state() != ExecutionState.CACHED) {
        out.add("  same cache key, but that execution ended " + p.state() + ": no outputs to reuse.");
      } else if (stillRunning) {
        // Two runs at once: the other was still running the node when this one started it.
        out.add("  same cache key, but that execution was still running when this one started (it ended "
            + Instant.ofEpochMilli(((Number) ended.raw()).longValue()) + ", this one started " + e.createTime()
            + "): its outputs did not exist yet.");
      } else if (!reusable) {
        out.add("  same cache key, but the previous outputs were deleted.");
      } else {
        out.add("  same cache key: caching was disabled for this run or node.");
      }
    }
    return out;
  }

  private static void diffVersion(Execution p, Execution e, List<String> out) {
    String a = StoreQueries.stringProp(p, Keys.CACHE_EXECUTOR_VERSION);
    String b = StoreQueries.stringProp(e, Keys.CACHE_EXECUTOR_VERSION);
    if (!Objects.equals(a, b)) {
      out.add("  executor version changed: " + a + " -> " + b);
    }
  }

  public static void diffParameters(Execution p, Execution e, List<String> out) {
    Map<String, Object> a = CacheKey.parseParameters(StoreQueries.stringProp(p, Keys.CACHE_PARAMETERS));
    Map<String, Object> b = CacheKey.parseParameters(StoreQueries.stringProp(e, Keys.CACHE_PARAMETERS));
    for (String k : union(a.keySet(), b.keySet())) {
      if (!Objects.equals(a.get(k), b.get(k))) {
        out.add("  parameter '" + k + "' changed: " + a.get(k) + " -> " + b.get(k));
      }
    }
  }

  public static void diffInputs(Execution p, Execution e, List<String> out) {
    Map<String, List<String>> a = CacheKey.parseInputs(StoreQueries.stringProp(p, Keys.CACHE_INPUTS));
    Map<String, List<String>> b = CacheKey.parseInputs(StoreQueries.stringProp(e, Keys.CACHE_INPUTS));
    for (String k : union(a.keySet(), b.keySet())) {
      if (!Objects.equals(a.get(k), b.get(k))) {
        out.add("  input '" + k + "' changed: fingerprint " + abbrev(a.get(k)) + " -> " + abbrev(b.get(k)));
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    var s = new TreeSet<>(a);
    s.addAll(b);
    return s;
  }

  private static String shortKey(Execution e) {
    return abbrev(StoreQueries.stringProp(e, Keys.CACHE_KEY));
  }

  /**
   * How two driver fingerprints differ, line by line (an ExampleGen's: the spans, then a "path size
   * modified" line a file): the lines only one side has, at most five each way; both cut to the same
   * first characters said nothing.
   */
  public static List<String> driverChanges(String before, String after) {
    var was = before == null ? List.<String>of() : before.lines().toList();
    var now = after == null ? List.<String>of() : after.lines().toList();
    // Sets for the lookups: a lake's fingerprint has a line per file, tens of thousands of them.
    var wasSet = new java.util.HashSet<>(was);
    var nowSet = new java.util.HashSet<>(now);
    var out = new java.util.ArrayList<String>();
    out.add("  external data changed (the driver's fingerprint):");
    int shown = 0;
    for (String l : was) {
      if (!nowSet.contains(l) && shown++ < 5) {
        out.add("    - " + l);
      }
    }
    int added = 0;
    for (String l : now) {
      if (!wasSet.contains(l) && added++ < 5) {
        out.add("    + " + l);
      }
    }
    if (shown > 5 || added > 5) {
      out.add("    (" + shown + " lines gone, " + added + " new in all)");
    }
    return out;
  }

  private static String abbrev(Object o) {
    if (o == null) {
      return "(none)";
    }
    if (o instanceof List<?> l) {
      return l.stream().map(CacheExplainer::abbrev).toList().toString();
    }
    String s = o.toString();
    return s.length() > 12 ? s.substring(0, 12) + ".." : s.isEmpty() ? "(none)" : s;
  }
}
