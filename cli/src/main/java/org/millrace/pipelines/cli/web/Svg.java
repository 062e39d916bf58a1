package org.millrace.pipelines.cli.web;

import java.util.Locale;
import org.millrace.api.html.Html;

/** Helpers shared by the SVG pictures: escaping, fixed-locale numbers, shortened labels. */
final class Svg {
  static final String NS = "http://www.w3.org/2000/svg";

  private Svg() {}

  /**
   * {@code s} escaped for element content and quoted attributes; control characters (not allowed
   * in XML) become spaces.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    var b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
    }
    return Html.escape(b.toString());
  }

  /** A coordinate with one decimal, the same on every locale. */
  static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** {@code s} cut to {@code max} characters, an ellipsis marking the cut. */
  static String shorten(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "\u2026";
  }
}
