package org.millrace.transform.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** JSON encoding of a list of accumulators (one per analysis point), for Beam coders and the cache. */
public final class Accumulators {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Accumulators() {}

  /** Fresh, empty accumulators: numeric or term counts per analysis point. */
  public static List<Accumulator> empty(List<Boolean> categorical) {
    var out = new ArrayList<Accumulator>(categorical.size());
    for (boolean c : categorical) {
      out.add(c ? new TermCounts() : new NumericStats());
    }
    return out;
  }

  public static String toJson(List<Accumulator> accs) {
    ArrayNode a = MAPPER.createArrayNode();
    accs.forEach(x -> a.add(x.toJson()));
    return a.toString();
  }

  public static List<Accumulator> fromJson(String json) {
    try {
      var out = new ArrayList<Accumulator>();
      for (JsonNode n : MAPPER.readTree(json)) {
        String kind = n.get("kind").asText();
        out.add("numeric".equals(kind) ? NumericStats.fromJson(n) : TermCounts.fromJson(n));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("analyzer state expected JSON accumulators, got a parse error: " + e, e);
    }
  }

  /** Merges {@code b} into {@code a} element-wise and returns {@code a}. */
  public static List<Accumulator> mergeInto(List<Accumulator> a, List<Accumulator> b) {
    if (a.size() != b.size()) {
      throw new IllegalStateException("BUG: merging " + a.size() + " accumulators with " + b.size());
    }
    for (int i = 0; i < a.size(); i++) {
      a.get(i).merge(b.get(i));
    }
    return a;
  }
}
