package org.millrace.validate.statistics;

import java.util.List;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.format.StatisticsModel;

/** A self-contained HTML page of statistics: a table per split and an inline SVG histogram per feature. */
public final class StatisticsHtml {
  private StatisticsHtml() {}

  public static String render(String title, List<StatisticsModel> splits) {
    var sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(title)).append("</title><style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}"
            + "td.l{text-align:left}svg{vertical-align:middle}</style></head><body><h1>")
        .append(esc(title)).append("</h1>");
    for (StatisticsModel s : splits) {
      sb.append("<h2>Split ").append(esc(s.split())).append(" — ").append(s.rows()).append(" rows</h2>")
          .append("<table><tr><th>feature</th><th>type</th><th>present</th><th>missing</th><th>min</th><th>mean</th>"
              + "<th>std</th><th>max</th><th>zeros</th><th>unique</th><th>top values</th><th>distribution</th></tr>");
      for (FeatureStatistics f : s.features()) {
        var n = f.numeric();
        var c = f.categorical();
        sb.append("<tr><td class=l>").append(esc(f.name())).append("</td><td class=l>").append(f.type().label())
            .append("</td><td>").append(f.present()).append("</td><td>").append(f.missing()).append("</td>");
        if (n != null) {
          sb.append(td(n.min())).append(td(n.mean())).append(td(n.std())).append(td(n.max()))
              .append("<td>").append(n.zeros()).append("</td><td></td><td></td><td>").append(bars(n.histogram()))
              .append("</td>");
        } else {
          sb.append("<td></td><td></td><td></td><td></td><td></td><td>").append(c.exact() ? "" : "&asymp;").append(c.unique())
              .append("</td><td class=l>");
          c.top().stream().limit(5).forEach(v -> sb.append(esc(v.value())).append(" (").append(v.count()).append(")<br>"));
          sb.append("</td><td>").append(bars(c.top().stream().limit(10).map(FeatureStatistics.ValueCount::count).toList()))
              .append("</td>");
        }
        sb.append("</tr>");
      }
      sb.append("</table>");
    }
    return sb.append("</body></html>").toString();
  }

  static String bars(List<Long> counts) {
    if (counts == null || counts.isEmpty()) {
      return "";
    }
    long max = counts.stream().mapToLong(Long::longValue).max().orElse(1);
    int w = 12;
    var sb = new StringBuilder("<svg width=\"" + counts.size() * w + "\" height=\"40\" role=\"img\">");
    for (int i = 0; i < counts.size(); i++) {
      int h = max == 0 ? 0 : (int) Math.round(38.0 * counts.get(i) / max);
      sb.append("<rect x=\"").append(i * w).append("\" y=\"").append(40 - h).append("\" width=\"").append(w - 2)
          .append("\" height=\"").append(h).append("\" fill=\"#4a7ab5\"><title>").append(counts.get(i))
          .append("</title></rect>");
    }
    return sb.append("</svg>").toString();
  }

  private static String td(Double v) {
    return "<td>" + (v == null ? "" : String.format("%.4g", v)) + "</td>";
  }

  static String esc(String s) {
    return org.millrace.api.html.Html.escape(s);
  }
}
