package org.millrace.api.html;

/**
 * Escaping of text put into HTML: element content and quoted attribute values. The one escaping
 * routine of millrace's HTML (the statistics and evaluation reports, {@code millrace ui}).
 */
public final class Html {
  private Html() {}

  /**
   * {@code s} with {@code & < > " '} replaced by their character references, safe inside element
   * content and inside single- or double-quoted attribute values; {@code null} becomes {@code ""}.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String ref = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (ref != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (ref != null) {
          b.append(ref);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
