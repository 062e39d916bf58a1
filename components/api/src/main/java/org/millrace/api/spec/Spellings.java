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
}
