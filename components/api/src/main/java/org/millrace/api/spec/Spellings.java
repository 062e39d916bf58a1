package org.millrace.api.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one way an enum of millrace parameters is spelled in YAML, JSON and the DSL: its constant
 * names in lower case ({@code classification}, {@code jsonl}, {@code opencl_gpu}), read case
 * insensitively once, with an error naming the parameter's path and every allowed spelling.
 */
public final class Spellings {
  private Spellings() {}

  /** The spelling of {@code value}: its name in lower case. */
  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** Every allowed spelling of {@code type}, in declaration order. */
  public static <E extends Enum<E>> List<String> allowed(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Spellings::of).toList();
  }

  /**
   * The constant of {@code type} spelled {@code value} (any case), or a {@link ParameterException}
   * at {@code path}: {@code <path> expected one of [a, b], got '<value>'}.
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String value, String path) {
    if (value != null) {
      for (E e : type.getEnumConstants()) {
        if (of(e).equals(value.toLowerCase(Locale.ROOT))) {
          return e;
        }
      }
    }
    throw new ParameterException(path, path + " expected one of " + allowed(type) + ", got "
        + (value == null ? "nothing" : "'" + value + "'"));
  }

  /**
   * The name among {@code known} that {@code given} most likely misspells: the one fewest edits
   * away (insertions, deletions, substitutions; case ignored), if at most two edits and at most a
   * third of its length; else null.
   */
  public static String closest(String given, java.util.Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(given.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= 2 && bestDistance * 3 <= best.length() ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
