package org.millrace.transform.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterException;

/**
 * Resolves Transform's {@code features} parameter against the raw schema into one
 * {@link FeatureSpec} per feature pipeline, and records why each column got what it got.
 *
 * <p>{@code features} takes three forms:
 *
 * <pre>
 * features: auto                       # every column but the label, ops chosen by type
 * features:                            # the same with exclusions, overrides and vocabulary settings
 *   auto: true
 *   exclude: [id, "tmp_*"]             # names or patterns; each must match a column
 *   top_k: 100                         # auto vocabularies: at most this many terms (default 100)
 *   min_frequency: 1                   # and terms seen at least this often (default 1)
 *   num_oov_buckets: 1                 # out-of-vocabulary buckets (default 1)
 *   overrides:                         # entries as in the list form; they win over auto
 *     - {feature: body_mass_g, ops: [{fill_missing: median}, zscore]}
 *     - {columns: "pixel*", ops: [min_max]}
 * features:                            # the list form: only what is listed
 *   - {feature: x, ops: [...]}         # one column (optionally name:)
 *   - {cross: [a, b], ops: [...]}      # a cross, added to whatever a and b get
 *   - {columns: "p*", ops: [...]}      # a group: every column the pattern(s) match, same ops
 * </pre>
 *
 * <p>Rules, in order: the label is never a feature; a {@code feature:} entry gives its column
 * exactly its pipeline (even an excluded column); a column that a {@code columns:} group matches
 * (the first group that matches wins) gets the group's ops; with auto, every other scalar column
 * gets, by type, {@code int}/{@code float}: {@code fill_missing: mean, zscore}, {@code string}/{@code
 * bool}: {@code vocabulary {top_k, min_frequency, num_oov_buckets}, one_hot}. {@code exclude}
 * removes columns from groups and auto; vector columns are not taken by auto. Patterns use
 * {@code *} (any characters) and {@code ?} (one character); one that matches no column is an error
 * (a typo would otherwise go unnoticed). Pipelines are ordered: the {@code feature}/{@code cross}
 * entries as written, then the group and auto columns in the schema's column order.
 */
public final class FeatureResolver {
  /** Default {@code top_k} of an auto vocabulary. */
  public static final int DEFAULT_TOP_K = 100;
  /** File beside {@code transform_graph.json} recording each column's choice. */
  public static final String CHOICES_FILE = "feature_choices.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int LISTED_NAMES = 8;

  private FeatureResolver() {}

  /**
   * What one raw column became.
   *
   * @param column the raw column (or a cross's output name)
   * @param type its type label ({@code int}, {@code float}, {@code string}, {@code bool}, or {@code cross})
   * @param rule why: {@code auto}, {@code listed (features[0])}, {@code columns 'p*' (features[1])},
   *     {@code excluded (exclude[0] 'id')}, {@code label}, {@code not used}, {@code vector, not taken by auto}
   * @param ops the ops it got, as text (empty when it is no feature)
   */
  public record Choice(String column, String type, String rule, String ops) {}

  /**
   * The resolved features.
   *
   * @param specs one pipeline per entry, in output order
   * @param choices one entry per raw column (schema order) and per cross
   * @param auto whether {@code auto} was on
   */
  public record Resolved(List<FeatureSpec> specs, List<Choice> choices, boolean auto) {
    public Resolved {
      specs = List.copyOf(specs);
      choices = List.copyOf(choices);
    }

    /** Console text: one line per (rule, ops) with the columns it took, long lists shortened. */
    public String summary() {
      var groups = new LinkedHashMap<String, List<String>>();
      for (Choice c : choices) {
        String key = (c.type().isEmpty() || c.rule().startsWith("listed") || c.rule().startsWith("columns")
            ? "" : c.type() + ", ") + c.rule() + (c.ops().isEmpty() ? "" : ": " + c.ops());
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c.column());
      }
      var sb = new StringBuilder("features" + (auto ? " (auto)" : "") + ": " + specs.size() + " pipelines");
      for (var e : groups.entrySet()) {
        List<String> cols = e.getValue();
        sb.append("\n  ").append(e.getKey()).append("  <- ")
            .append(String.join(", ", cols.subList(0, Math.min(LISTED_NAMES, cols.size()))));
        if (cols.size() > LISTED_NAMES) {
          sb.append(", ... (").append(cols.size()).append(" columns)");
        }
      }
      return sb.toString();
    }

    /** The record written beside the graph: {@code {auto, pipelines, columns: [{column, type, rule, ops}]}}. */
    public String toJson() {
      var m = new LinkedHashMap<String, Object>();
      m.put("auto", auto);
      m.put("pipelines", specs.size());
      var cols = new ArrayList<Map<String, String>>();
      for (Choice c : choices) {
        var cm = new LinkedHashMap<String, String>();
        cm.put("column", c.column());
        cm.put("type", c.type());
        cm.put("rule", c.rule());
        cm.put("ops", c.ops());
        cols.add(cm);
      }
      m.put("columns", cols);
      try {
        return JSON.writeValueAsString(m) + "\n";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("BUG: cannot write feature choices: " + e, e);
      }
    }
  }

  /** Resolves {@code features} against the raw schema; the label column is never a feature. */
  public static Resolved resolve(Features f, DataSchema raw, String label) {
    List<String> exclude = f instanceof Features.Auto a ? a.exclude() : List.of();
    var excludedBy = new LinkedHashMap<String, String>();
    for (int i = 0; i < exclude.size(); i++) {
      String pattern = exclude.get(i);
      Pattern p = glob(pattern);
      boolean any = false;
      for (Feature c : raw.features()) {
        if (p.matcher(c.name()).matches()) {
          any = true;
          excludedBy.putIfAbsent(c.name(), "excluded (exclude[" + i + "] '" + pattern + "')");
        }
      }
      if (!any) {
        throw new ParameterException("features.exclude[" + i + "]", "exclude expected a name or pattern matching one of "
            + "the raw features " + raw.names() + ", got '" + pattern + "' (matches none)");
      }
    }
    var specs = new ArrayList<FeatureSpec>();
    var choices = new LinkedHashMap<String, Choice>();
    var crosses = new ArrayList<Choice>();
    Set<String> names = new HashSet<>();
    Set<String> listed = new HashSet<>();
    var groups = f.groups();
    var patterns = new ArrayList<Pattern>();
    groups.forEach(g -> patterns.add(g.pattern()));
    for (FeatureSpec fs : f.listed()) {
      String path = fs.path();
      names.add(fs.name());
      specs.add(fs);
      if (fs.isCross()) {
        crosses.add(new Choice(fs.name(), "cross", "listed (" + path + ")", describe(fs.ops())));
      } else {
        String col = fs.sources().get(0);
        listed.add(col);
        Feature c = raw.find(col).orElse(null);
        Choice prev = choices.get(col);
        String ops = describe(fs.ops());
        choices.put(col, new Choice(col, c == null ? "" : c.type().label(), prev == null
            ? "listed (" + path + ")" : prev.rule() + ", " + path, prev == null ? ops : prev.ops() + "; " + ops));
      }
    }
    int[] matched = new int[groups.size()];
    for (Feature c : raw.features()) {
      String col = c.name();
      if (col.equals(label)) {
        choices.put(col, new Choice(col, c.type().label(), "label", ""));
        for (int g = 0; g < groups.size(); g++) {
          matched[g] += patterns.get(g).matcher(col).matches() ? 1 : 0;
        }
        continue;
      }
      if (listed.contains(col)) {
        continue;
      }
      Features.Group group = null;
      for (int g = 0; g < groups.size(); g++) {
        if (patterns.get(g).matcher(col).matches()) {
          matched[g]++;
          group = group == null ? groups.get(g) : group;
        }
      }
      String type = c.type().label();
      if ((group != null || f instanceof Features.Auto) && excludedBy.containsKey(col)) {
        choices.put(col, new Choice(col, type, excludedBy.get(col), ""));
      } else if (group != null) {
        if (c.isVector()) {
          throw new ParameterException(group.path() + ".columns", "columns expected scalar features, got vector feature '"
              + col + "' " + c.shape() + " matching '" + group.text() + "'");
        }
        if (!names.add(col)) {
          throw new ParameterException(group.path() + ".columns", "feature output name expected to be unique, got '"
              + col + "' from " + group.path() + " and an entry named so");
        }
        specs.add(new FeatureSpec(col, List.of(col), group.ops(), group.path()));
        choices.put(col, new Choice(col, type, "columns '" + group.text() + "' (" + group.path() + ")",
            describe(group.ops())));
      } else if (f instanceof Features.Auto a) {
        if (c.isVector()) {
          choices.put(col, new Choice(col, type, "vector " + c.shape() + ", not taken by auto", ""));
          continue;
        }
        List<OpSpec> ops = c.type() == FeatureType.INT || c.type() == FeatureType.FLOAT
            ? List.of(new OpSpec.FillMissing("mean", null, false), new OpSpec.ZScore())
            : List.of(new OpSpec.Vocabulary(a.topK(), a.minFrequency(), a.numOovBuckets()), new OpSpec.OneHot());
        if (!names.add(col)) {
          throw new ParameterException("features", "feature output name expected to be unique, got '" + col
              + "' from auto and an entry named so. Give the entry another name.");
        }
        specs.add(new FeatureSpec(col, List.of(col), ops, "features(auto '" + col + "')"));
        choices.put(col, new Choice(col, type, "auto", describe(ops)));
      } else {
        choices.put(col, new Choice(col, type, "not used", ""));
      }
    }
    for (int g = 0; g < groups.size(); g++) {
      if (matched[g] == 0) {
        throw new ParameterException(groups.get(g).path() + ".columns", "columns expected a name or pattern matching one "
            + "of the raw features " + raw.names() + ", got '" + groups.get(g).text() + "' (matches none)");
      }
    }
    if (specs.isEmpty()) {
      throw new ParameterException("features", "features expected at least one feature, got none: every column of "
          + raw.names() + " is the label '" + label + "' or excluded");
    }
    var all = new ArrayList<>(choices.values());
    all.addAll(crosses);
    return new Resolved(specs, all, f instanceof Features.Auto);
  }

  /** A glob ({@code *} any characters, {@code ?} one) as a regular expression matching whole names. */
  static Pattern glob(String glob) {
    var sb = new StringBuilder();
    var lit = new StringBuilder();
    for (char ch : glob.toCharArray()) {
      if (ch == '*' || ch == '?') {
        if (lit.length() > 0) {
          sb.append(Pattern.quote(lit.toString()));
          lit.setLength(0);
        }
        sb.append(ch == '*' ? ".*" : ".");
      } else {
        lit.append(ch);
      }
    }
    if (lit.length() > 0) {
      sb.append(Pattern.quote(lit.toString()));
    }
    return Pattern.compile("(?:" + sb + ")");
  }

  /** Ops as text, e.g. {@code fill_missing mean, zscore}. */
  static String describe(List<OpSpec> ops) {
    var parts = new ArrayList<String>();
    for (OpSpec op : ops) {
      if (op instanceof OpSpec.FillMissing fm) {
        parts.add("fill_missing " + fm.strategy() + (fm.value() != null ? " " + fm.value() : "")
            + (fm.indicator() ? " +indicator" : ""));
      } else if (op instanceof OpSpec.Vocabulary v) {
        parts.add("vocabulary (" + (v.topK() == null ? "" : "top_k " + v.topK() + ", ") + "min_frequency "
            + v.minFrequency() + ", " + v.numOovBuckets() + " OOV bucket" + (v.numOovBuckets() == 1 ? "" : "s") + ")");
      } else if (op instanceof OpSpec.Bucketize b) {
        parts.add("bucketize " + (b.quantiles() != null ? b.quantiles() + " quantiles" : b.boundaries()));
      } else if (op instanceof OpSpec.Hash h) {
        parts.add("hash " + h.buckets());
      } else if (op instanceof OpSpec.Clip c) {
        parts.add("clip [" + c.min() + ", " + c.max() + "]");
      } else {
        parts.add(op.op());
      }
    }
    return String.join(", ", parts);
  }
}
