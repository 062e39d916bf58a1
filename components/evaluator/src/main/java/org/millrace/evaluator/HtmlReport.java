package org.millrace.evaluator;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.millrace.api.artifact.Blessing.Check;
import org.millrace.api.artifact.Blessing;
import org.millrace.api.format.EvaluationResult;
import org.millrace.api.format.SliceMetrics;

/** A self-contained {@code index.html}: blessing checks, per-slice metric tables, inline-SVG plots. */
public final class HtmlReport {
  private HtmlReport() {}

  /** The evaluation report page (index.html) of one evaluation and its blessing. */
  public static String render(EvaluationResult r, Blessing b) {
    var h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Model evaluation</title>"
        + "<style>body{font-family:sans-serif;margin:20px}table{border-collapse:collapse;margin:8px 0}"
        + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#eee}"
        + ".pass{color:#070}.fail{color:#b00;font-weight:bold}.skipped{color:#888}"
        + "svg{border:1px solid #ccc;margin:4px}</style></head><body>");
    h.append("<h1>Model evaluation</h1><p>model <code>").append(esc(r.model())).append("</code>, split <b>")
        .append(esc(r.split())).append("</b>, baseline <code>")
        .append(esc(r.baselineModel() == null ? "none" : r.baselineModel())).append("</code></p>");
    h.append("<h2 class=\"").append(b.blessed() ? "pass" : "fail").append("\">")
        .append(b.blessed() ? "BLESSED" : "NOT BLESSED").append(": ").append(esc(b.reason())).append("</h2>");
    h.append("<table><tr><th>status</th><th>metric</th><th>slice</th><th>check</th><th>observed</th>"
        + "<th>threshold</th><th>baseline</th><th>detail</th></tr>");
    for (Check c : b.checks()) {
      h.append("<tr><td class=\"").append(c.status()).append("\">").append(c.status()).append("</td><td>")
          .append(esc(c.metric())).append("</td><td>").append(esc(c.slice())).append("</td><td>")
          .append(c.kind()).append("</td><td>").append(num(c.observed())).append("</td><td>")
          .append(num(c.threshold())).append("</td><td>").append(num(c.baseline())).append("</td><td>")
          .append(esc(c.message())).append("</td></tr>");
    }
    h.append("</table><h2>Metrics by slice</h2>");
    var names = new TreeSet<String>();
    r.slices().values().forEach(m -> names.addAll(m.metrics().keySet()));
    h.append("<table><tr><th>slice</th>");
    names.forEach(n -> h.append("<th>").append(n).append("</th>"));
    h.append("</tr>");
    r.slices().forEach((k, m) -> {
      h.append("<tr><th>").append(esc(k)).append("</th>");
      names.forEach(n -> h.append("<td>").append(num(m.metrics().get(n))).append("</td>"));
      h.append("</tr>");
    });
    h.append("</table>");
    if (!r.suppressed().isEmpty()) {
      h.append("<p>Suppressed slices (fewer than ").append(r.minSliceSize()).append(" examples): ");
      r.suppressed().forEach((k, n) -> h.append(esc(k)).append(" (").append(n).append(") "));
      h.append("</p>");
    }
    SliceMetrics overall = r.slices().get(SliceKeys.OVERALL);
    if (overall != null && !overall.roc().isEmpty()) {
      h.append("<h2>Overall curves</h2>");
      h.append(plot("ROC (FPR vs TPR)", overall.roc(), true));
      h.append(plot("Precision-recall (recall vs precision)", overall.pr(), false));
      h.append(plot("Calibration (mean prediction vs mean label)", overall.calibration(), true));
    }
    if (overall != null && !overall.confusion().isEmpty()) {
      h.append("<h2>Confusion matrix (rows: label, columns: prediction)</h2><table>");
      for (double[] row : overall.confusion()) {
        h.append("<tr>");
        for (double v : row) {
          h.append("<td>").append(num(v)).append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</table>");
    }
    return h.append("</body></html>").toString();
  }

  private static String plot(String title, List<double[]> pts, boolean diagonal) {
    int s = 260;
    int pad = 30;
    var sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + (s + 2 * pad)
        + "\" height=\"" + (s + 2 * pad) + "\"><text x=\"" + pad + "\" y=\"18\" font-size=\"12\">" + esc(title)
        + "</text><rect x=\"" + pad + "\" y=\"" + pad + "\" width=\"" + s + "\" height=\"" + s
        + "\" fill=\"none\" stroke=\"#999\"/>");
    if (diagonal) {
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\" "
          + "stroke-dasharray=\"4\"/>", pad, pad + s, pad + s, pad));
    }
    sb.append("<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"");
    for (double[] p : pts) {
      sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", pad + p[0] * s, pad + s - p[1] * s));
    }
    return sb.append("\"/></svg>").toString();
  }

  private static String num(Double v) {
    if (v == null) {
      return "";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : String.format(Locale.ROOT, "%.4g", v);
  }

  static String esc(String s) {
    return org.millrace.api.html.Html.escape(s);
  }
}
