package org.millrace.transform.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.millrace.api.data.Column;

/**
 * Exact term frequencies of a categorical analysis point. Memory is O(distinct terms) per
 * accumulator (each worker holds the terms of its shard; the final merge holds all distinct
 * terms): fine for vocabularies up to millions of terms; use {@code hash} for unbounded ids.
 */
public final class TermCounts implements Accumulator {
  private final Map<String, Long> counts = new HashMap<>();
  private long count;
  private long missing;

  @Override
  public void add(Column values) {
    var s = (Column.Strings) values;
    String[] v = s.values();
    for (int i = 0; i < v.length; i++) {
      if (s.isNull(i)) {
        missing++;
      } else {
        count++;
        counts.merge(v[i], 1L, Long::sum);
      }
    }
  }

  @Override
  public void merge(Accumulator other) {
    var o = (TermCounts) other;
    count += o.count;
    missing += o.missing;
    o.counts.forEach((k, c) -> counts.merge(k, c, Long::sum));
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long missing() {
    return missing;
  }

  public Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  /** Terms by count descending then term ascending, with count >= minFrequency, at most topK (null: all). */
  public List<String> top(Integer topK, long minFrequency) {
    var entries = new ArrayList<>(counts.entrySet());
    entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
        : Long.compare(b.getValue(), a.getValue()));
    var out = new ArrayList<String>();
    for (var e : entries) {
      if (e.getValue() < minFrequency || (topK != null && out.size() >= topK)) {
        break;
      }
      out.add(e.getKey());
    }
    return out;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("kind", "terms").put("count", count).put("missing", missing);
    ObjectNode c = n.putObject("counts");
    new TreeMap<>(counts).forEach(c::put);
    return n;
  }

  static TermCounts fromJson(JsonNode n) {
    var t = new TermCounts();
    t.count = n.get("count").asLong();
    t.missing = n.get("missing").asLong();
    n.get("counts").fields().forEachRemaining(e -> t.counts.put(e.getKey(), e.getValue().asLong()));
    return t;
  }
}
