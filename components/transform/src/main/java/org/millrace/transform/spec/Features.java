package org.millrace.transform.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.millrace.api.spec.ParameterException;

/**
 * Transform's {@code features} parameter, parsed once when the parameters bind (see
 * {@link FeatureResolver} for its forms and rules): {@link Auto} for {@code features: auto} and
 * {@code {auto: true, exclude, top_k, min_frequency, num_oov_buckets, overrides}}, {@link Explicit}
 * for a list of entries. Both hold the {@code feature}/{@code cross} entries as parsed
 * {@link FeatureSpec}s and the {@code columns} groups as {@link Group}s; only the columns those
 * stand for wait for the raw schema ({@link FeatureResolver#resolve}).
 *
 * <p>Its JSON form is the value as written ({@link #written()}, an immutable copy): ops have
 * several spellings ({@code zscore}, {@code {zscore: {}}}, {@code {fill_missing: mean}}), and the
 * canonical parameters, and so the cache keys, are those of the YAML as written. Make one with
 * {@link #parse} (the DSL too: {@code Features.parse("auto")}); a record built by hand must give
 * the {@code written} form of what it holds, since a stored spec binds again from that form.
 */
@JsonDeserialize(using = Features.Deserializer.class)
public sealed interface Features {
  /** The {@code feature} and {@code cross} entries, in the order written. */
  List<FeatureSpec> listed();

  /** The {@code columns} groups, in the order written. */
  List<Group> groups();

  /** The value as written in the parameters: {@code auto}, the map, or the list. */
  @JsonValue
  Object written();

  /** Whether resolving needs the raw schema: auto, or a {@code columns} group. */
  default boolean needsSchema() {
    return this instanceof Auto || !groups().isEmpty();
  }

  /**
   * Every column but the label, ops by type, with exclusions and overrides.
   *
   * @param exclude names or patterns of columns auto does not take
   * @param topK terms an auto vocabulary keeps at most
   * @param minFrequency times a term must occur for an auto vocabulary
   * @param numOovBuckets out-of-vocabulary buckets of an auto vocabulary
   * @param listed the overrides' {@code feature}/{@code cross} entries
   * @param groups the overrides' {@code columns} groups
   * @param written the value as written
   */
  record Auto(List<String> exclude, int topK, int minFrequency, int numOovBuckets, List<FeatureSpec> listed,
      List<Group> groups, Object written) implements Features {
    public Auto {
      exclude = List.copyOf(exclude);
      listed = List.copyOf(listed);
      groups = List.copyOf(groups);
    }
  }

  /** Only the listed features: {@code feature}/{@code cross} entries and {@code columns} groups. */
  record Explicit(List<FeatureSpec> listed, List<Group> groups, Object written) implements Features {
    public Explicit {
      listed = List.copyOf(listed);
      groups = List.copyOf(groups);
    }
  }

  /**
   * A {@code columns:} group: every column one of the patterns matches gets the same ops.
   *
   * @param patterns names or globs ({@code *} any characters, {@code ?} one), as written
   * @param ops the ops, in order
   * @param path where the group sits, e.g. {@code features[1]}
   */
  record Group(List<String> patterns, List<OpSpec> ops, String path) {
    public Group {
      patterns = List.copyOf(patterns);
      ops = List.copyOf(ops);
    }

    /** The patterns as text for messages: {@code p*', 'q*}. */
    public String text() {
      return String.join("', '", patterns);
    }

    /** One expression matching a whole name that any of the patterns matches. */
    public Pattern pattern() {
      var regex = new StringBuilder();
      for (String p : patterns) {
        regex.append(regex.length() == 0 ? "" : "|").append(FeatureResolver.glob(p).pattern());
      }
      return Pattern.compile(regex.toString());
    }
  }

  /** Parses {@code features} as written; throws a {@link ParameterException} naming the path. */
  static Features parse(Object features) {
    String expected = "features expected auto, a list of {feature|cross|columns, ops} or a map {auto: true, exclude, "
        + "overrides, ...}";
    if (features == null) {
      throw new ParameterException("features", expected + ", got none");
    }
    Object written = immutableCopy(features);
    if (features instanceof String s) {
      if (!"auto".equals(s)) {
        throw new ParameterException("features", expected + ", got '" + s + "'");
      }
      return new Auto(List.of(), FeatureResolver.DEFAULT_TOP_K, 1, 1, List.of(), List.of(), written);
    }
    if (features instanceof List<?> l) {
      if (l.isEmpty()) {
        throw new ParameterException("features", expected + ", got []");
      }
      var listed = new ArrayList<FeatureSpec>();
      var groups = new ArrayList<Group>();
      entries(l, "features", listed, groups);
      return new Explicit(listed, groups, written);
    }
    if (!(features instanceof Map<?, ?> raw)) {
      throw new ParameterException("features", expected + ", got " + features);
    }
    var m = new LinkedHashMap<String, Object>();
    raw.forEach((k, v) -> m.put(String.valueOf(k), v));
    SpecParser.checkKeys(m, "features", Set.of("auto", "exclude", "top_k", "min_frequency", "num_oov_buckets",
        "overrides"));
    if (!Boolean.TRUE.equals(m.get("auto"))) {
      throw new ParameterException("features.auto", "features.auto expected true (for only the listed features, give "
          + "features as a list), got " + m.get("auto"));
    }
    List<String> exclude = m.containsKey("exclude") ? SpecParser.stringList(m.get("exclude"), "features.exclude")
        : List.of();
    int topK = m.containsKey("top_k") ? SpecParser.integer(m.get("top_k"), "features.top_k")
        : FeatureResolver.DEFAULT_TOP_K;
    int minFreq = m.containsKey("min_frequency") ? SpecParser.integer(m.get("min_frequency"), "features.min_frequency") : 1;
    int oov = m.containsKey("num_oov_buckets")
        ? SpecParser.integer(m.get("num_oov_buckets"), "features.num_oov_buckets") : 1;
    if (topK < 1 || minFreq < 1 || oov < 0) {
      throw new ParameterException("features", "features expected top_k >= 1, min_frequency >= 1 and num_oov_buckets "
          + ">= 0, got " + topK + ", " + minFreq + " and " + oov);
    }
    Object overrides = m.getOrDefault("overrides", List.of());
    if (!(overrides instanceof List<?> ol)) {
      throw new ParameterException("features.overrides", "features.overrides expected a list of {feature|cross|columns, "
          + "ops}, got " + overrides);
    }
    var listed = new ArrayList<FeatureSpec>();
    var groups = new ArrayList<Group>();
    entries(ol, "features.overrides", listed, groups);
    return new Auto(exclude, topK, minFreq, oov, listed, groups, written);
  }

  private static void entries(List<?> entries, String at, List<FeatureSpec> listed, List<Group> groups) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String path = at + "[" + i + "]";
      Object raw = entries.get(i);
      if (!(raw instanceof Map<?, ?> rm)) {
        throw new ParameterException(path, path + " expected a map {feature|cross|columns, ops}, got " + raw);
      }
      var e = new LinkedHashMap<String, Object>();
      rm.forEach((k, v) -> e.put(String.valueOf(k), v));
      if (e.containsKey("columns")) {
        groups.add(group(e, path));
      } else {
        listed.add(SpecParser.entry(e, path, names));
      }
    }
  }

  private static Group group(Map<String, Object> e, String path) {
    SpecParser.checkKeys(e, path, Set.of("columns", "ops"));
    Object raw = e.get("columns");
    List<String> patterns = raw instanceof List<?> ? SpecParser.stringList(raw, path + ".columns")
        : List.of(SpecParser.string(raw, path + ".columns"));
    if (patterns.isEmpty()) {
      throw new ParameterException(path + ".columns", "columns expected a pattern or a non-empty list of them, got []");
    }
    return new Group(patterns, SpecParser.ops(e.get("ops"), path), path);
  }

  /** An unmodifiable deep copy of YAML values (maps keep their order and null values). */
  private static Object immutableCopy(Object value) {
    if (value instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      m.forEach((k, v) -> out.put(String.valueOf(k), immutableCopy(v)));
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> l) {
      var out = new ArrayList<Object>(l.size());
      l.forEach(v -> out.add(immutableCopy(v)));
      return Collections.unmodifiableList(out);
    }
    return value;
  }

  /**
   * Binds {@code features} while parameters bind. The {@link ParameterException} reaches
   * {@code ParameterBinder} as the cause of a {@link ValueInstantiationException}, which it reports as is.
   */
  final class Deserializer extends StdDeserializer<Features> {
    Deserializer() {
      super(Features.class);
    }

    @Override
    public Features deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object value = ctxt.readValue(p, Object.class);
      try {
        return parse(value);
      } catch (ParameterException e) {
        throw ValueInstantiationException.from(p, e.getMessage(), ctxt.constructType(Features.class), e);
      }
    }
  }
}
