package org.millrace.pipelines.cli.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A line-and-point chart as inline SVG: one line per series over shared x positions (runs in order,
 * or epochs), a y axis spanning the values with five labelled ticks, a legend, and a tooltip on
 * every point (series, x and value). A missing value (null or NaN) breaks its line; a series with
 * no value draws nothing but its legend entry.
 */
public final class LineChart {
  static final int WIDTH = 760;
  static final int PLOT_H = 240;
  static final int LEFT = 64;
  static final int RIGHT = 16;
  static final int TOP = 12;
  static final int LEGEND_ROW = 18;

  private LineChart() {}

  /**
   * One line of the chart.
   *
   * @param name its legend entry
   * @param color a CSS colour ({@code #rrggbb})
   * @param dashed whether the line is dashed
   * @param values one per x position; null or NaN where the series has none
   */
  public record Series(String name, String color, boolean dashed, List<Double> values) {
    public Series {
      Objects.requireNonNull(name, "name");
      if (color == null || !color.matches("#[0-9a-fA-F]{6}")) {
        throw new IllegalArgumentException("series colour expected #rrggbb, got '" + color + "'");
      }
      values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
    }
  }

  /** Colours for series in order: distinguishable, and readable on white. */
  public static final List<String> PALETTE = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf");

  /**
   * The chart as an {@code <svg>} element.
   *
   * @param title its accessible name
   * @param xLabels the label under each x position (every one drawn while they fit, else every k-th)
   * @param xTitles each x position's name in the points' tooltips (a run id, an epoch)
   * @param series the lines; each has one value per x position
   * @throws IllegalArgumentException when a series' length differs from the x labels'
   */
  public static String render(String title, List<String> xLabels, List<String> xTitles, List<Series> series) {
    int n = xLabels.size();
    if (xTitles.size() != n) {
      throw new IllegalArgumentException("chart expected one x title per x label (" + n + "), got " + xTitles.size());
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      if (s.values().size() != n) {
        throw new IllegalArgumentException("chart series '" + s.name() + "' expected " + n + " values, got "
            + s.values().size());
      }
      for (Double v : s.values()) {
        if (present(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    boolean any = min <= max;
    if (!any) {
      min = 0;
      max = 1;
    } else if (min == max) {
      double pad = min == 0 ? 0.5 : Math.abs(min) * 0.05;
      min -= pad;
      max += pad;
    } else {
      double pad = (max - min) * 0.05;
      // Values that are never negative (losses, rates) keep an axis that starts at zero or above.
      min = min >= 0 ? Math.max(0, min - pad) : min - pad;
      max += pad;
    }
    int perRow = Math.max(1, (WIDTH - LEFT - RIGHT) / 180);
    int legendRows = (series.size() + perRow - 1) / perRow;
    int plotTop = TOP + legendRows * LEGEND_ROW + 6;
    int height = plotTop + PLOT_H + 44;
    double plotW = WIDTH - LEFT - RIGHT;
    var b = new StringBuilder();
    b.append("<svg xmlns=\"").append(Svg.NS).append("\" class=\"chart\" role=\"img\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"11\" aria-label=\"").append(Svg.esc(title))
        .append("\"><title>").append(Svg.esc(title)).append("</title>");
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double lx = LEFT + (i % perRow) * 180;
      double ly = TOP + (i / perRow) * LEGEND_ROW + 8;
      b.append("<g class=\"legend\"><line x1=\"").append(Svg.num(lx)).append("\" y1=\"").append(Svg.num(ly))
          .append("\" x2=\"").append(Svg.num(lx + 22)).append("\" y2=\"").append(Svg.num(ly)).append("\" stroke=\"")
          .append(s.color()).append("\" stroke-width=\"2\"").append(s.dashed() ? " stroke-dasharray=\"5 3\"" : "")
          .append("/><text x=\"").append(Svg.num(lx + 28)).append("\" y=\"").append(Svg.num(ly + 4)).append("\">")
          .append(Svg.esc(Svg.shorten(s.name(), 24))).append("</text></g>");
    }
    // Axes and grid: five y ticks from min to max.
    double bottom = plotTop + PLOT_H;
    b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(plotTop).append("\" width=\"").append(Svg.num(plotW))
        .append("\" height=\"").append(PLOT_H).append("\" fill=\"#fcfcfc\" stroke=\"#bbb\"/>");
    for (int t = 0; t <= 4; t++) {
      double v = min + (max - min) * t / 4;
      double y = bottom - PLOT_H * t / 4.0;
      b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(Svg.num(y)).append("\" x2=\"")
          .append(Svg.num(LEFT + plotW)).append("\" y2=\"").append(Svg.num(y)).append("\" stroke=\"#e4e4e4\"/>")
          .append("<text class=\"ytick\" x=\"").append(LEFT - 6).append("\" y=\"").append(Svg.num(y + 4))
          .append("\" text-anchor=\"end\">").append(tick(v)).append("</text>");
    }
    int step = Math.max(1, (int) Math.ceil(n / (plotW / 44)));
    for (int i = 0; i < n; i++) {
      if (i % step == 0 || i == n - 1 && (n - 1) % step > step / 2) {
        b.append("<text class=\"xtick\" x=\"").append(Svg.num(x(i, n, plotW))).append("\" y=\"")
            .append(Svg.num(bottom + 16)).append("\" text-anchor=\"middle\">")
            .append(Svg.esc(Svg.shorten(xLabels.get(i), 10))).append("</text>");
      }
    }
    if (!any) {
      b.append("<text x=\"").append(Svg.num(LEFT + plotW / 2)).append("\" y=\"").append(Svg.num(plotTop + PLOT_H / 2.0))
          .append("\" text-anchor=\"middle\" fill=\"#777\">(no values)</text>");
    }
    for (Series s : series) {
      b.append("<g class=\"series\" data-name=\"").append(Svg.esc(s.name())).append("\">");
      var line = new StringBuilder();
      for (int i = 0; i <= n; i++) {
        Double v = i < n ? s.values().get(i) : null;
        if (present(v)) {
          line.append(line.length() == 0 ? "" : " ").append(Svg.num(x(i, n, plotW))).append(',')
              .append(Svg.num(y(v, min, max, bottom)));
        } else {
          if (line.indexOf(" ") > 0) {
            b.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"")
                .append(s.dashed() ? " stroke-dasharray=\"5 3\"" : "").append(" points=\"").append(line).append("\"/>");
          }
          line.setLength(0);
        }
      }
      for (int i = 0; i < n; i++) {
        Double v = s.values().get(i);
        if (present(v)) {
          b.append("<circle cx=\"").append(Svg.num(x(i, n, plotW))).append("\" cy=\"")
              .append(Svg.num(y(v, min, max, bottom))).append("\" r=\"3\" fill=\"").append(s.color()).append("\"><title>")
              .append(Svg.esc(s.name() + ", " + xTitles.get(i) + ": " + String.format(Locale.ROOT, "%.6g", v)))
              .append("</title></circle>");
        }
      }
      b.append("</g>");
    }
    return b.append("</svg>").toString();
  }

  private static boolean present(Double v) {
    return v != null && Double.isFinite(v);
  }

  private static double x(int i, int n, double plotW) {
    return LEFT + (n == 1 ? plotW / 2 : 12 + (plotW - 24) * i / (n - 1));
  }

  private static double y(double v, double min, double max, double bottom) {
    return bottom - PLOT_H * (v - min) / (max - min);
  }

  private static String tick(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
