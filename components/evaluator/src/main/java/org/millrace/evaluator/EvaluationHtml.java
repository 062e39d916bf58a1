package org.millrace.evaluator;

import java.util.Map;

/** A self-contained HTML page: the blessing with every check, then a metrics table per slice. */
final class EvaluationHtml {
  private EvaluationHtml() {}

  @SuppressWarnings("unchecked")
  static String render(String model, Map<String, Object> slices, Blessing.Decision d) {
    var sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Evaluation</title><style>"
        + "body{font:14px sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:3px 8px}table{border-collapse:collapse}"
        + ".fail{color:#b00}.ok{color:#070}</style></head><body><h1>Evaluation of ").append(esc(model)).append("</h1>");
    sb.append("<h2 class=\"").append(d.blessed() ? "ok" : "fail").append("\">").append(esc(d.summary())).append("</h2>");
    sb.append("<table><tr><th></th><th>metric</th><th>kind</th><th>observed</th><th>baseline</th><th>threshold</th></tr>");
    for (Check c : d.checks()) {
      sb.append("<tr><td class=\"").append(c.passed() ? "ok\">ok" : "fail\">FAIL").append("</td><td>")
          .append(esc(c.metric())).append("</td><td>").append(c.kind()).append("</td><td>").append(num(c.observed()))
          .append("</td><td>").append(num(c.baseline())).append("</td><td>").append(esc(c.threshold())).append("</td></tr>");
    }
    sb.append("</table>");
    for (var e : slices.entrySet()) {
      var entry = (Map<String, Object>) e.getValue();
      var cand = (Map<String, Double>) entry.get("candidate");
      var base = (Map<String, Double>) entry.get("baseline");
      sb.append("<h3>").append(esc(e.getKey())).append("</h3><table><tr><th>metric</th><th>candidate</th>")
          .append(base == null ? "" : "<th>baseline</th>").append("</tr>");
      cand.forEach((k, v) -> sb.append("<tr><td>").append(k).append("</td><td>").append(num(v)).append("</td>")
          .append(base == null ? "" : "<td>" + num(base.get(k)) + "</td>").append("</tr>"));
      sb.append("</table>");
    }
    return sb.append("</body></html>").toString();
  }

  private static String num(Double v) {
    return v == null ? "-" : String.format("%.4f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
