package org.millrace.trainer.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.millrace.trainer.fit.EpochMetrics;

/** The ModelRun artifact: {@code history.json} and a self-contained {@code index.html} with loss curves. */
final class RunReport {
  private RunReport() {}

  static void write(Path dir, List<EpochMetrics> history, int bestEpoch, boolean stoppedEarly, Map<String, Object> info)
      throws IOException {
    Files.createDirectories(dir);
    // Fixed key order (Map.of iterates in an order that changes from one JVM to the next): two runs
    // of the same training write the same bytes.
    var report = new LinkedHashMap<String, Object>();
    report.put("epochs", history);
    report.put("best_epoch", bestEpoch);
    report.put("stopped_early", stoppedEarly);
    report.put("info", new TreeMap<>(info));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("history.json").toFile(), report);
    var sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Training run</title>"
        + "<style>body{font:14px sans-serif;margin:2em}</style></head><body><h1>Training run</h1>");
    sb.append("<p>best epoch ").append(bestEpoch).append(stoppedEarly ? " (stopped early)" : "").append("</p>");
    sb.append("<h2>Loss</h2>").append(chart(history, List.of(EpochMetrics::trainLoss, EpochMetrics::validationLoss),
        List.of("#4a7ab5", "#d9534f"))).append("<p><span style=\"color:#4a7ab5\">train</span> / "
        + "<span style=\"color:#d9534f\">validation</span></p>");
    if (history.stream().noneMatch(m -> Double.isNaN(m.validationAccuracy()))) {
      sb.append("<h2>Validation accuracy</h2>").append(chart(history, List.of(EpochMetrics::validationAccuracy),
          List.of("#5cb85c")));
    }
    sb.append("<table border=1 cellpadding=4><tr><th>epoch</th><th>train loss</th><th>val loss</th><th>val accuracy</th>"
        + "<th>ms</th></tr>");
    for (EpochMetrics m : history) {
      sb.append(String.format("<tr><td>%d</td><td>%.5f</td><td>%.5f</td><td>%.4f</td><td>%d</td></tr>", m.epoch(),
          m.trainLoss(), m.validationLoss(), m.validationAccuracy(), m.millis()));
    }
    Files.writeString(dir.resolve("index.html"), sb.append("</table></body></html>").toString());
  }

  private static String chart(List<EpochMetrics> h, List<ToDoubleFunction<EpochMetrics>> series, List<String> colors) {
    int w = 600;
    int ht = 240;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (var s : series) {
      for (EpochMetrics m : h) {
        min = Math.min(min, s.applyAsDouble(m));
        max = Math.max(max, s.applyAsDouble(m));
      }
    }
    double span = max > min ? max - min : 1;
    var sb = new StringBuilder("<svg width=\"" + w + "\" height=\"" + ht + "\" style=\"border:1px solid #ccc\">");
    for (int k = 0; k < series.size(); k++) {
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colors.get(k)).append("\" points=\"");
      for (int i = 0; i < h.size(); i++) {
        double x = 10 + (w - 20) * (h.size() == 1 ? 0.5 : (double) i / (h.size() - 1));
        double y = ht - 10 - (ht - 20) * (series.get(k).applyAsDouble(h.get(i)) - min) / span;
        sb.append(String.format("%.1f,%.1f ", x, y));
      }
      sb.append("\"/>");
    }
    sb.append(String.format("<text x=\"12\" y=\"16\">%.4g</text><text x=\"12\" y=\"%d\">%.4g</text>", max, ht - 14, min));
    return sb.append("</svg>").toString();
  }
}
