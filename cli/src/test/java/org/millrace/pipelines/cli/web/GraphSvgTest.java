package org.millrace.pipelines.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The run and lineage graph: layers by topological depth, a stable order, escaped text, well-formed SVG. */
class GraphSvgTest {
  /** The penguins example's nodes and dependencies. */
  static final List<String> PENGUINS = List.of("ingest", "statistics", "schema", "validator", "transform", "trainer",
      "evaluator", "pusher");
  static final List<GraphSvg.Edge> PENGUIN_EDGES = List.of(e("ingest", "statistics"), e("statistics", "schema"),
      e("statistics", "validator"), e("schema", "validator"), e("ingest", "transform"), e("schema", "transform"),
      e("transform", "trainer"), e("ingest", "evaluator"), e("trainer", "evaluator"), e("trainer", "pusher"),
      e("evaluator", "pusher"));

  static GraphSvg.Edge e(String from, String to) {
    return new GraphSvg.Edge(from, to);
  }

  static List<GraphSvg.Node> nodes(List<String> ids) {
    return ids.stream().map(id -> new GraphSvg.Node(id, id, List.of("component", "succeeded"), "succeeded",
        "/executions/" + id)).toList();
  }

  static Document parse(String svg) throws Exception {
    var f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nodesSitInTheLayerOfTheirLongestPathFromASource() {
    Map<String, GraphSvg.Placement> at = GraphSvg.layout(nodes(PENGUINS), PENGUIN_EDGES);
    Map<String, Integer> expected = Map.of("ingest", 0, "statistics", 1, "schema", 2, "validator", 3, "transform", 3,
        "trainer", 4, "evaluator", 5, "pusher", 6);
    expected.forEach((id, layer) -> assertEquals(layer, at.get(id).layer(), id));
    // Top to bottom: a deeper layer is lower; one layer, one row.
    for (GraphSvg.Edge edge : PENGUIN_EDGES) {
      assertTrue(at.get(edge.from()).y() + GraphSvg.NODE_H < at.get(edge.to()).y(), edge.toString());
    }
    assertEquals(at.get("validator").y(), at.get("transform").y());
    assertTrue(at.get("validator").x() < at.get("transform").x(), "ties keep the order given");
  }

  @Test
  void withinALayerANodeGoesUnderItsPredecessors() {
    // b's child is given first, yet goes under b (right), a's child under a (left).
    var nodes = nodes(List.of("a", "b", "childOfB", "childOfA"));
    var at = GraphSvg.layout(nodes, List.of(e("a", "childOfA"), e("b", "childOfB")));
    assertEquals(0, at.get("childOfA").slot());
    assertEquals(1, at.get("childOfB").slot());
    assertEquals(at.get("a").x(), at.get("childOfA").x());
    assertEquals(at.get("b").x(), at.get("childOfB").x());
  }

  @Test
  void theSameGraphDrawsTheSameBytesWhateverTheOrderOfItsEdges() {
    String first = GraphSvg.render("penguins", nodes(PENGUINS), PENGUIN_EDGES);
    var shuffled = new ArrayList<>(PENGUIN_EDGES);
    for (long seed = 0; seed < 20; seed++) {
      Collections.shuffle(shuffled, new Random(seed));
      assertEquals(first, GraphSvg.render("penguins", nodes(PENGUINS), shuffled), "edges shuffled with seed " + seed);
    }
  }

  @Test
  void theSvgIsWellFormedWithOneBoxPerNodeOneArrowPerEdgeAndALinkPerBox() throws Exception {
    Document d = parse(GraphSvg.render("penguins", nodes(PENGUINS), PENGUIN_EDGES));
    Element root = d.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
    assertEquals(PENGUINS.size(), d.getElementsByTagName("rect").getLength());
    assertEquals(PENGUIN_EDGES.size(), d.getElementsByTagName("path").getLength() - 1, "edges, besides the arrow head");
    NodeList links = d.getElementsByTagName("a");
    assertEquals(PENGUINS.size(), links.getLength());
    for (int i = 0; i < links.getLength(); i++) {
      assertEquals("/executions/" + PENGUINS.get(i), ((Element) links.item(i)).getAttribute("href"));
    }
    NodeList groups = d.getElementsByTagName("g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      assertEquals("node succeeded", g.getAttribute("class"));
    }
  }

  @Test
  void textAndLinksAreEscaped() throws Exception {
    String evil = "<script>x</script>&\"'";
    var n = new GraphSvg.Node(evil, evil, List.of(evil), "fail\"ed", "/a?x=\"><script>");
    String svg = GraphSvg.render(evil, List.of(n), List.of());
    assertFalse(svg.contains("<script"), svg);
    Document d = parse(svg);
    Element a = (Element) d.getElementsByTagName("a").item(0);
    assertEquals("/a?x=\"><script>", a.getAttribute("href"));
    Element g = (Element) d.getElementsByTagName("g").item(0);
    assertEquals(evil, g.getAttribute("data-id"));
    assertEquals(evil, d.getElementsByTagName("text").item(0).getTextContent());
    assertTrue(((Element) d.getElementsByTagName("rect").item(0)).getAttribute("fill").equals("#fff"),
        "an unknown state draws as unknown");
  }

  @Test
  void cyclesAndUnknownNodesAreRefusedNamingThem() {
    var cycle = assertThrows(IllegalArgumentException.class, () -> GraphSvg.layout(nodes(List.of("a", "b", "c")),
        List.of(e("a", "b"), e("b", "c"), e("c", "b"))));
    assertEquals("graph expected no cycles, got one through [b, c]", cycle.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class, () -> GraphSvg.layout(nodes(List.of("a")),
        List.of(e("a", "z"))));
    assertEquals("graph edge expected known nodes, got a -> z", unknown.getMessage());
    var twice = assertThrows(IllegalArgumentException.class, () -> GraphSvg.layout(nodes(List.of("a", "a")),
        List.of()));
    assertEquals("graph expected unique node ids, got 'a' twice", twice.getMessage());
  }
}
