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
 * Resolves an input pattern over a data lake on the local filesystem into the files of one span.
 * Patterns may use {@code *} (any characters within one path segment), {@code {SPAN}} (digits) and
 * {@code {SPAN:n}} (exactly n digits). Without {@code {SPAN}} the pattern's files are span 0.
 */
public final class SpanResolver {
  private static final Pattern TOKEN = Pattern.compile("\\{SPAN(?::(\\d+))?}|\\*");

  private SpanResolver() {}

  /** The chosen span and its files, sorted. */
  public record Resolution(long span, List<Path> files) {}

  /** Every span the pattern matches, with its files. */
  public static Map<Long, List<Path>> spans(String pattern) {
    String normalized = pattern.replace('\\', '/');
    int firstToken = firstToken(normalized);
    String fixed = firstToken < 0 ? normalized : normalized.substring(0, firstToken);
    Path base = Path.of(fixed.contains("/") ? fixed.substring(0, fixed.lastIndexOf('/') + 1) : ".");
    Pattern regex = toRegex(normalized);
    boolean hasSpan = normalized.contains("{SPAN");
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
          long span = hasSpan ? Long.parseLong(m.group("span")) : 0L;
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
    Map<Long, List<Path>> all = spans(pattern);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("input expected files matching '" + pattern + "', got none");
    }
    long chosen = span != null ? span : ((TreeMap<Long, List<Path>>) all).lastKey();
    List<Path> files = all.get(chosen);
    if (files == null) {
      throw new IllegalArgumentException("input span expected one of " + all.keySet() + " for pattern '" + pattern
          + "', got missing span " + chosen);
    }
    return new Resolution(chosen, files);
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
