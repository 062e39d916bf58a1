package org.millrace.pipelines.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    var r = new ArrayList<String>();
    for (Object c : cells) {
      r.add(c == null ? "" : c.toString());
    }
    rows.add(r);
    return this;
  }

  String render() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    var sb = new StringBuilder();
    line(sb, header, w);
    var rule = new ArrayList<String>();
    for (int width : w) {
      rule.add("-".repeat(width));
    }
    line(sb, rule, w);
    rows.forEach(r -> line(sb, r, w));
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    int start = sb.length();
    for (int i = 0; i < cells.size(); i++) {
      sb.append(i == 0 ? "" : "  ").append(String.format("%-" + w[i] + "s", cells.get(i)));
    }
    // No padding after the last cell: it only makes lines wrap in narrow terminals.
    int end = sb.length();
    while (end > start && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    sb.append(System.lineSeparator());
  }
}
