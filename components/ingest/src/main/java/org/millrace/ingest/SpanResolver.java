package org.millrace.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resolves an input pattern over a data lake on the local filesystem into the files of its spans.
 * Patterns may use {@code *} (any characters within one path segment), {@code {SPAN}} (digits),
 * {@code {SPAN:n}} (exactly n digits), or a date {@code {YYYY}}, {@code {MM}}, {@code {DD}} — also
 * inside hive partitions such as {@code date={YYYY}-{MM}-{DD}/} — whose span is the day number
 * (days since 1970-01-01, as TFX does). Without a span token the pattern's files are span 0.
 */
public final class SpanResolver {
  private static final Pattern TOKEN = Pattern.compile("\\{SPAN(?::(\\d+))?}|\\{YYYY}|\\{MM}|\\{DD}|\\*");

  private SpanResolver() {}

  /** The chosen spans (ascending; the last is the newest) and their files, sorted. */
  public record Resolution(List<Long> spans, List<Path> files) {
    /** The newest span read. */
    public long span() {
      return spans.get(spans.size() - 1);
    }
  }

  /** Every span the pattern matches, with its files. */
  public static Map<Long, List<Path>> spans(String pattern) {
    String normalized = pattern.replace('\\', '/');
    int firstToken = firstToken(normalized);
    String fixed = firstToken < 0 ? normalized : normalized.substring(0, firstToken);
    Path base = Path.of(fixed.contains("/") ? fixed.substring(0, fixed.lastIndexOf('/') + 1) : ".");
    Pattern regex = toRegex(normalized);
    boolean hasSpan = normalized.contains("{SPAN");
    boolean hasDate = normalized.contains("{YYYY}");
    if (hasSpan && hasDate) {
      throw new IllegalArgumentException("input pattern expected either {SPAN} or {YYYY}{MM}{DD}, got both in '"
          + pattern + "'");
    }
    if (hasDate && !(normalized.contains("{MM}") && normalized.contains("{DD}"))) {
      throw new IllegalArgumentException("input pattern expected {YYYY}, {MM} and {DD} together, got '" + pattern + "'");
    }
    var out = new TreeMap<Long, List<Path>>();
    if (firstToken < 0) {
      Path p = Path.of(pattern);
      if (Files.isRegularFile(p)) {
        out.put(0L, List.of(p));
      }
      return out;
    }
    if (!Files.isDirectory(base)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        String s = p.toString().replace('\\', '/');
        String rel = base.toString().equals(".") && !normalized.startsWith("./") ? stripDot(s) : s;
        Matcher m = regex.matcher(rel);
        if (m.matches()) {
          long span;
          if (hasSpan) {
            span = Long.parseLong(m.group("span"));
          } else if (hasDate) {
            try {
              span = java.time.LocalDate.of(Integer.parseInt(m.group("yyyy")), Integer.parseInt(m.group("mm")),
                  Integer.parseInt(m.group("dd"))).toEpochDay();
            } catch (java.time.DateTimeException bad) {
              throw new IllegalArgumentException("input " + p + " expected a valid date for pattern '" + pattern
                  + "', got " + m.group("yyyy") + "-" + m.group("mm") + "-" + m.group("dd"), bad);
            }
          } else {
            span = 0L;
          }
          out.computeIfAbsent(span, k -> new ArrayList<>()).add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + base + " for input pattern " + pattern, e);
    }
    return out;
  }

  /** The latest span, or {@code span} when given; a clear error when nothing matches. */
  public static Resolution resolve(String pattern, Long span) {
    return resolve(pattern, span, null, null);
  }

  /**
   * The spans to read: {@code span} alone, every span of {@code range} (inclusive; each must
   * exist), the newest {@code window} spans, or else the newest span.
   */
  public static Resolution resolve(String pattern, Long span, List<Long> range, Integer window) {
    TreeMap<Long, List<Path>> all = new TreeMap<>(spans(pattern));
    if (all.isEmpty()) {
      throw new IllegalArgumentException("input expected files matching '" + pattern + "', got none");
    }
    List<Long> chosen;
    if (range != null) {
      chosen = new ArrayList<>();
      for (long s = range.get(0); s <= range.get(1); s++) {
        chosen.add(s);
      }
    } else if (window != null) {
      var newest = new ArrayList<>(all.descendingKeySet()).subList(0, Math.min(window, all.size()));
      chosen = new ArrayList<>(newest);
      java.util.Collections.reverse(chosen);
    } else {
      chosen = List.of(span != null ? span : all.lastKey());
    }
    var files = new ArrayList<Path>();
    for (long s : chosen) {
      List<Path> f = all.get(s);
      if (f == null) {
        throw new IllegalArgumentException("input span expected one of " + all.keySet() + " for pattern '" + pattern
            + "', got missing span " + s);
      }
      files.addAll(f);
    }
    return new Resolution(List.copyOf(chosen), files);
  }

  private static String stripDot(String s) {
    return s.startsWith("./") ? s.substring(2) : s;
  }

  private static int firstToken(String s) {
    Matcher m = TOKEN.matcher(s);
    return m.find() ? m.start() : -1;
  }

  static Pattern toRegex(String pattern) {
    var sb = new StringBuilder();
    Matcher m = TOKEN.matcher(pattern);
    int last = 0;
    boolean spanSeen = false;
    while (m.find()) {
      sb.append(Pattern.quote(pattern.substring(last, m.start())));
      if (m.group().equals("*")) {
        sb.append("[^/]*");
      } else if (m.group().equals("{YYYY}")) {
        sb.append("(?<yyyy>\\d{4})");
      } else if (m.group().equals("{MM}")) {
        sb.append("(?<mm>\\d{2})");
      } else if (m.group().equals("{DD}")) {
        sb.append("(?<dd>\\d{2})");
      } else {
        String digits = m.group(1) == null ? "\\d+" : "\\d{" + m.group(1) + "}";
        sb.append(spanSeen ? "\\k<span>" : "(?<span>" + digits + ")");
        spanSeen = true;
      }
      last = m.end();
    }
    sb.append(Pattern.quote(pattern.substring(last)));
    return Pattern.compile(sb.toString());
  }
}
