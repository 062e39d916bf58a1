package org.millrace.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Resolves an input pattern over a data lake into the files of its spans and versions, listing
 * through Beam's {@link FileSystems} so that local paths, {@code file://} URIs and any registered
 * filesystem ({@code hdfs://}, {@code s3://}, ... when its Beam module is on the classpath) work.
 * Patterns may use {@code *} (any characters within one path segment), {@code {SPAN}} (digits),
 * {@code {SPAN:n}} (exactly n digits), or a date {@code {YYYY}}, {@code {MM}}, {@code {DD}} — also
 * inside hive partitions such as {@code date={YYYY}-{MM}-{DD}/} — whose span is the day number
 * (days since 1970-01-01, as TFX does), and {@code {VERSION}} / {@code {VERSION:n}} beside a span.
 * Without a span token the pattern's files are span 0; without a version token, version 0.
 */
public final class SpanResolver {
  private static final Pattern TOKEN =
      Pattern.compile("\\{SPAN(?::(\\d+))?}|\\{VERSION(?::(\\d+))?}|\\{YYYY}|\\{MM}|\\{DD}|\\*");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");

  private SpanResolver() {}

  /** One matched file: its path as the filesystem names it, size and modification time (for fingerprints). */
  public record InputFile(String path, long size, long modifiedMillis) {}

  /**
   * The chosen spans (ascending; the last is the newest), the version read of each, and their
   * files, sorted by path within each span.
   */
  public record Resolution(List<Long> spans, List<Long> versions, List<InputFile> inputs) {
    /** The newest span read. */
    public long span() {
      return spans.get(spans.size() - 1);
    }

    /** The version read of the newest span. */
    public long version() {
      return versions.get(versions.size() - 1);
    }

    /** The files' paths. */
    public List<String> files() {
      return inputs.stream().map(InputFile::path).toList();
    }
  }

  /** Every span the pattern matches, each with its versions and their files. */
  public static NavigableMap<Long, NavigableMap<Long, List<InputFile>>> spans(String pattern) {
    String normalized = normalize(pattern);
    boolean hasSpan = normalized.contains("{SPAN");
    boolean hasDate = normalized.contains("{YYYY}");
    boolean hasVersion = normalized.contains("{VERSION");
    if (hasSpan && hasDate) {
      throw new IllegalArgumentException("input pattern expected either {SPAN} or {YYYY}{MM}{DD}, got both in '"
          + pattern + "'");
    }
    if (hasDate && !(normalized.contains("{MM}") && normalized.contains("{DD}"))) {
      throw new IllegalArgumentException("input pattern expected {YYYY}, {MM} and {DD} together, got '" + pattern + "'");
    }
    if (hasVersion && !hasSpan && !hasDate) {
      throw new IllegalArgumentException("input pattern expected {SPAN} or {YYYY}{MM}{DD} beside {VERSION} (a version"
          + " is a version of a span), got '" + pattern + "'");
    }
    Pattern regex = toRegex(normalized);
    var out = new TreeMap<Long, NavigableMap<Long, List<InputFile>>>();
    for (MatchResult.Metadata m : list(pattern, TOKEN.matcher(normalized).replaceAll("*"))) {
      String path = m.resourceId().toString();
      Matcher g = regex.matcher(path);
      if (!g.matches()) {
        continue;
      }
      long span = hasSpan ? Long.parseLong(g.group("span")) : hasDate ? day(g, path, pattern) : 0L;
      long version = hasVersion ? Long.parseLong(g.group("version")) : 0L;
      out.computeIfAbsent(span, k -> new TreeMap<>()).computeIfAbsent(version, k -> new ArrayList<>())
          .add(new InputFile(path, m.sizeBytes(), m.lastModifiedMillis()));
    }
    return out;
  }

  /**
   * For a relative local path, where it was looked for (the working directory millrace runs in): a
   * pipeline run from another directory than the one its paths were written for reads nothing.
   */
  static String relativeTo(String pattern) {
    boolean scheme = pattern.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*"); // file:/x, s3a://b/x
    if (scheme || pattern.startsWith("/")) {
      return "";
    }
    return " (a relative path: looked for under the working directory " + java.nio.file.Path.of("").toAbsolutePath()
        + ")";
  }

  /** The latest span, or {@code span} when given; a clear error when nothing matches. */
  public static Resolution resolve(String pattern, Long span) {
    return resolve(pattern, span, null, null, null);
  }

  /**
   * The spans to read: {@code span} alone, every span of {@code range} (inclusive; each must
   * exist), the newest {@code window} spans, or else the newest span. Within each span, version
   * {@code version} when given (each chosen span must have it), else its highest version.
   */
  public static Resolution resolve(String pattern, Long span, List<Long> range, Integer window, Long version) {
    var all = spans(pattern);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("input expected files matching '" + pattern + "', got none" + relativeTo(pattern));
    }
    List<Long> chosen;
    if (range != null) {
      chosen = new ArrayList<>();
      for (long s = range.get(0); s <= range.get(1); s++) {
        chosen.add(s);
      }
    } else if (window != null) {
      chosen = new ArrayList<>(all.descendingKeySet()).subList(0, Math.min(window, all.size()));
      chosen = new ArrayList<>(chosen);
      java.util.Collections.reverse(chosen);
    } else {
      chosen = List.of(span != null ? span : all.lastKey());
    }
    var versions = new ArrayList<Long>();
    var files = new ArrayList<InputFile>();
    for (long s : chosen) {
      NavigableMap<Long, List<InputFile>> v = all.get(s);
      if (v == null) {
        throw new IllegalArgumentException("input span expected one of " + all.keySet() + " for pattern '" + pattern
            + "', got missing span " + s);
      }
      long picked = version != null ? version : v.lastKey();
      if (!v.containsKey(picked)) {
        throw new IllegalArgumentException("input version expected one of " + v.keySet() + " in span " + s
            + " for pattern '" + pattern + "', got missing version " + picked);
      }
      versions.add(picked);
      files.addAll(v.get(picked));
    }
    return new Resolution(List.copyOf(chosen), List.copyOf(versions), List.copyOf(files));
  }

  private static List<MatchResult.Metadata> list(String pattern, String glob) {
    MatchResult result;
    try {
      result = FileSystems.match(List.of(glob), EmptyMatchTreatment.ALLOW).get(0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("input pattern '" + pattern + "' expected a path on a registered filesystem"
          + " (local, file://, or a scheme whose Beam filesystem module is on the classpath), got: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list '" + glob + "' for input pattern '" + pattern + "'", e);
    }
    try {
      return result.metadata().stream().filter(m -> !m.resourceId().isDirectory())
          .sorted(Comparator.comparing(m -> m.resourceId().toString())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list '" + glob + "' for input pattern '" + pattern + "': "
          + result.status(), e);
    }
  }

  /**
   * The pattern in the form the filesystem names its matches: local paths (plain or
   * {@code file:} URIs) become absolute paths, other URIs stay as written.
   */
  static String normalize(String pattern) {
    String p = pattern;
    if (p.startsWith("file://")) {
      p = p.substring("file://".length());
    } else if (p.startsWith("file:")) {
      p = p.substring("file:".length());
    }
    if (SCHEME.matcher(p).lookingAt()) {
      return p;
    }
    p = p.replace('\\', '/');
    Matcher m = TOKEN.matcher(p);
    int first = m.find() ? m.start() : p.length();
    int cut = p.lastIndexOf('/', first - 1);
    String dir = cut < 0 ? "" : p.substring(0, cut + 1);
    String base = Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize().toString().replace('\\', '/');
    return (base.endsWith("/") ? base : base + "/") + p.substring(cut + 1);
  }

  private static long day(Matcher g, String path, String pattern) {
    try {
      return java.time.LocalDate.of(Integer.parseInt(g.group("yyyy")), Integer.parseInt(g.group("mm")),
          Integer.parseInt(g.group("dd"))).toEpochDay();
    } catch (java.time.DateTimeException bad) {
      throw new IllegalArgumentException("input " + path + " expected a valid date for pattern '" + pattern
          + "', got " + g.group("yyyy") + "-" + g.group("mm") + "-" + g.group("dd"), bad);
    }
  }

  static Pattern toRegex(String pattern) {
    var sb = new StringBuilder();
    Matcher m = TOKEN.matcher(pattern);
    int last = 0;
    boolean spanSeen = false;
    boolean versionSeen = false;
    while (m.find()) {
      sb.append(Pattern.quote(pattern.substring(last, m.start())));
      String t = m.group();
      if (t.equals("*")) {
        sb.append("[^/]*");
      } else if (t.equals("{YYYY}")) {
        sb.append("(?<yyyy>\\d{4})");
      } else if (t.equals("{MM}")) {
        sb.append("(?<mm>\\d{2})");
      } else if (t.equals("{DD}")) {
        sb.append("(?<dd>\\d{2})");
      } else if (t.startsWith("{SPAN")) {
        String digits = m.group(1) == null ? "\\d+" : "\\d{" + m.group(1) + "}";
        sb.append(spanSeen ? "\\k<span>" : "(?<span>" + digits + ")");
        spanSeen = true;
      } else {
        String digits = m.group(2) == null ? "\\d+" : "\\d{" + m.group(2) + "}";
        sb.append(versionSeen ? "\\k<version>" : "(?<version>" + digits + ")");
        versionSeen = true;
      }
      last = m.end();
    }
    sb.append(Pattern.quote(pattern.substring(last)));
    return Pattern.compile(sb.toString());
  }
}
