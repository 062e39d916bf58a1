package org.millrace.pipelines.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The metric and training-curve chart: a point per value, lines broken at gaps, y up, escaped text. */
class LineChartTest {
  static final List<String> X = List.of("#1", "#2", "#3", "#4");
  static final List<String> TITLES = List.of("run-1", "run-2", "run-3", "run-4");

  @Test
  void aPointPerValueALineBrokenWhereAValueIsMissingAndHigherValuesHigher() throws Exception {
    var s = new LineChart.Series("accuracy", "#1f77b4", false, Arrays.asList(0.5, 0.9, null, 0.7));
    var t = new LineChart.Series("other", "#ff7f0e", true, Arrays.asList(Double.NaN, Double.NaN, Double.NaN, 0.1));
    Document d = GraphSvgTest.parse(LineChart.render("accuracy", X, TITLES, List.of(s, t)));
    NodeList series = d.getElementsByTagName("g");
    Element first = null;
    for (int i = 0; i < series.getLength(); i++) {
      Element g = (Element) series.item(i);
      if (g.getAttribute("data-name").equals("accuracy")) {
        first = g;
      }
    }
    NodeList circles = first.getElementsByTagName("circle");
    assertEquals(3, circles.getLength());
    double y0 = Double.parseDouble(((Element) circles.item(0)).getAttribute("cy"));
    double y1 = Double.parseDouble(((Element) circles.item(1)).getAttribute("cy"));
    double y3 = Double.parseDouble(((Element) circles.item(2)).getAttribute("cy"));
    assertTrue(y1 < y3 && y3 < y0, "0.9 above 0.7 above 0.5: " + y0 + " " + y1 + " " + y3);
    double x0 = Double.parseDouble(((Element) circles.item(0)).getAttribute("cx"));
    double x3 = Double.parseDouble(((Element) circles.item(2)).getAttribute("cx"));
    assertTrue(x0 < x3);
    // 0.5-0.9 is one line; 0.7 stands alone after the gap: one polyline of two points.
    NodeList lines = first.getElementsByTagName("polyline");
    assertEquals(1, lines.getLength());
    assertEquals(2, ((Element) lines.item(0)).getAttribute("points").split(" ").length);
    assertEquals("accuracy, run-2: 0.900000", circles.item(1).getTextContent());
    // Five y ticks, four x labels.
    assertEquals(5, countClass(d, "text", "ytick"));
    assertEquals(4, countClass(d, "text", "xtick"));
  }

  static int countClass(Document d, String tag, String cls) {
    NodeList l = d.getElementsByTagName(tag);
    int n = 0;
    for (int i = 0; i < l.getLength(); i++) {
      n += ((Element) l.item(i)).getAttribute("class").equals(cls) ? 1 : 0;
    }
    return n;
  }

  @Test
  void namesAndTitlesAreEscapedAndColoursChecked() throws Exception {
    String evil = "<img src=x onerror=alert(1)>&\"'";
    var s = new LineChart.Series(evil, "#000000", false, List.of(1.0));
    String svg = LineChart.render(evil, List.of(evil), List.of(evil), List.of(s));
    assertFalse(svg.contains("<img"), svg);
    Document d = GraphSvgTest.parse(svg);
    assertEquals(evil + ", " + evil + ": 1.00000", d.getElementsByTagName("circle").item(0).getTextContent());
    var bad = assertThrows(IllegalArgumentException.class,
        () -> new LineChart.Series("x", "red\" onload=\"", false, List.of()));
    assertEquals("series colour expected #rrggbb, got 'red\" onload=\"'", bad.getMessage());
  }

  @Test
  void seriesOfTheWrongLengthAreRefusedAndTheSameChartIsTheSameBytes() {
    var s = new LineChart.Series("a", "#000000", false, List.of(1.0, 2.0));
    var e = assertThrows(IllegalArgumentException.class, () -> LineChart.render("t", X, TITLES, List.of(s)));
    assertEquals("chart series 'a' expected 4 values, got 2", e.getMessage());
    var ok = new LineChart.Series("a", "#000000", false, List.of(1.0, 2.0, 3.0, 2.5));
    assertEquals(LineChart.render("t", X, TITLES, List.of(ok)), LineChart.render("t", X, TITLES, List.of(ok)));
    assertTrue(LineChart.render("t", X, TITLES, List.of()).contains("(no values)"));
  }
}
