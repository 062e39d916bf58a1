package org.millrace.pipelines.cli.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A directed acyclic graph drawn as inline SVG, top to bottom: each node sits in the layer of its
 * topological depth (the longest path to it from a node without predecessors), and within a layer
 * nodes are ordered by the mean position of their predecessors, ties broken by the order they were
 * given in. The layout depends on nothing but the nodes and edges (no hash order, no clock), so the
 * same graph draws the same bytes.
 *
 * <p>A node is a box with a bold label and up to two lines of detail, coloured by its {@linkplain
 * Node#state() state}, and a link when it has an {@code href}; its full text is its tooltip.
 */
public final class GraphSvg {
  /** Width of a node's box. */
  static final int NODE_W = 212;
  /** Height of a node's box. */
  static final int NODE_H = 54;
  static final int GAP_X = 24;
  static final int GAP_Y = 36;
  static final int MARGIN = 8;

  /** Fill and stroke of each state a node may have; an unknown state draws as {@code unknown}. */
  static final Map<String, String[]> STYLES = styles();

  private GraphSvg() {}

  /**
   * One box of the graph.
   *
   * @param id unique within the graph (edges name it)
   * @param label the bold first line
   * @param details further lines (at most two are drawn; all are in the tooltip)
   * @param state one of {@code succeeded failed cached running pending canceled artifact deleted focus}
   * @param href where the box links to, or null
   */
  public record Node(String id, String label, List<String> details, String state, String href) {
    public Node {
      Objects.requireNonNull(id, "id");
      details = List.copyOf(details);
    }
  }

  /** An arrow from node {@code from} to node {@code to}. */
  public record Edge(String from, String to) {}

  /** Where a node was placed: its layer (depth), its slot in the layer, and its box's top-left corner. */
  public record Placement(int layer, int slot, double x, double y) {}

  /**
   * Places the nodes: layer by topological depth, slot by the predecessors' mean slot.
   *
   * @throws IllegalArgumentException on a duplicate node id, an edge naming an unknown node, or a cycle
   */
  public static Map<String, Placement> layout(List<Node> nodes, List<Edge> edges) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (index.put(nodes.get(i).id(), i) != null) {
        throw new IllegalArgumentException("graph expected unique node ids, got '" + nodes.get(i).id() + "' twice");
      }
    }
    int n = nodes.size();
    List<List<Integer>> preds = new ArrayList<>();
    List<List<Integer>> succs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      preds.add(new ArrayList<>());
      succs.add(new ArrayList<>());
    }
    for (Edge e : edges) {
      Integer from = index.get(e.from());
      Integer to = index.get(e.to());
      if (from == null || to == null) {
        throw new IllegalArgumentException("graph edge expected known nodes, got " + e.from() + " -> " + e.to());
      }
      if (!succs.get(from).contains(to)) {
        succs.get(from).add(to);
        preds.get(to).add(from);
      }
    }
    // Kahn's algorithm, ready nodes in the order given: depth = longest path from a source.
    int[] depth = new int[n];
    int[] waiting = new int[n];
    var ready = new ArrayDeque<Integer>();
    for (int i = 0; i < n; i++) {
      waiting[i] = preds.get(i).size();
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    int done = 0;
    while (!ready.isEmpty()) {
      int v = ready.poll();
      done++;
      for (int w : succs.get(v)) {
        depth[w] = Math.max(depth[w], depth[v] + 1);
        if (--waiting[w] == 0) {
          ready.add(w);
        }
      }
    }
    if (done < n) {
      var cyclic = new ArrayList<String>();
      for (int i = 0; i < n; i++) {
        if (waiting[i] > 0) {
          cyclic.add(nodes.get(i).id());
        }
      }
      throw new IllegalArgumentException("graph expected no cycles, got one through " + cyclic);
    }
    int layers = 0;
    for (int d : depth) {
      layers = Math.max(layers, d + 1);
    }
    List<List<Integer>> byLayer = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      byLayer.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      byLayer.get(depth[i]).add(i);
    }
    // One sweep down: a node goes under its predecessors (their mean slot), ties in the order given.
    double[] slot = new double[n];
    int width = maxWidth(byLayer);
    for (int l = 0; l < layers; l++) {
      List<Integer> layer = byLayer.get(l);
      if (l > 0) {
        Map<Integer, Double> key = new HashMap<>();
        for (int v : layer) {
          key.put(v, preds.get(v).stream().mapToDouble(p -> slot[p]).average().orElse(Double.MAX_VALUE));
        }
        layer.sort(Comparator.comparingDouble((Integer v) -> key.get(v)).thenComparingInt(v -> v));
      }
      for (int s = 0; s < layer.size(); s++) {
        slot[layer.get(s)] = s + (width - layer.size()) / 2.0;
      }
    }
    var out = new LinkedHashMap<String, Placement>();
    for (int i = 0; i < n; i++) {
      int s = byLayer.get(depth[i]).indexOf(i);
      double x = MARGIN + slot[i] * (NODE_W + GAP_X);
      double y = MARGIN + depth[i] * (NODE_H + GAP_Y);
      out.put(nodes.get(i).id(), new Placement(depth[i], s, x, y));
    }
    return out;
  }

  private static int maxWidth(List<List<Integer>> byLayer) {
    int w = 0;
    for (List<Integer> l : byLayer) {
      w = Math.max(w, l.size());
    }
    return w;
  }

  /**
   * The graph as an {@code <svg>} element; {@code title} is its accessible name. An empty graph is
   * a small picture that says so.
   */
  public static String render(String title, List<Node> nodes, List<Edge> edges) {
    Map<String, Placement> at = layout(nodes, edges);
    double w = MARGIN * 2 + NODE_W;
    double h = MARGIN * 2 + 20;
    for (Placement p : at.values()) {
      w = Math.max(w, p.x() + NODE_W + MARGIN);
      h = Math.max(h, p.y() + NODE_H + MARGIN);
    }
    var b = new StringBuilder();
    b.append("<svg xmlns=\"").append(Svg.NS).append("\" class=\"graph\" role=\"img\" width=\"").append(Svg.num(w))
        .append("\" height=\"").append(Svg.num(h)).append("\" viewBox=\"0 0 ").append(Svg.num(w)).append(' ')
        .append(Svg.num(h)).append("\" font-family=\"sans-serif\" font-size=\"11\" aria-label=\"")
        .append(Svg.esc(title)).append("\"><title>").append(Svg.esc(title)).append("</title>")
        .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\""
            + " markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#666\"/>"
            + "</marker></defs>");
    if (nodes.isEmpty()) {
      b.append("<text x=\"").append(MARGIN).append("\" y=\"").append(MARGIN + 14).append("\">(nothing to draw)</text>");
    }
    // Edges first, so that boxes cover the ends of lines that pass behind them; in the nodes' order,
    // whatever the order the edges came in.
    Map<String, Integer> index = new HashMap<>();
    for (Node node : nodes) {
      index.put(node.id(), index.size());
    }
    var sorted = new java.util.TreeSet<Edge>(Comparator.comparingInt((Edge e) -> index.get(e.from()))
        .thenComparingInt(e -> index.get(e.to())));
    sorted.addAll(edges);
    for (Edge e : sorted) {
      Placement a = at.get(e.from());
      Placement c = at.get(e.to());
      double x1 = a.x() + NODE_W / 2.0;
      double y1 = a.y() + NODE_H;
      double x2 = c.x() + NODE_W / 2.0;
      double y2 = c.y();
      double mid = (y2 - y1) / 2;
      b.append("<path class=\"edge\" data-from=\"").append(Svg.esc(e.from())).append("\" data-to=\"")
          .append(Svg.esc(e.to())).append("\" d=\"M").append(Svg.num(x1)).append(',').append(Svg.num(y1))
          .append(" C").append(Svg.num(x1)).append(',').append(Svg.num(y1 + mid)).append(' ').append(Svg.num(x2))
          .append(',').append(Svg.num(y2 - mid)).append(' ').append(Svg.num(x2)).append(',').append(Svg.num(y2))
          .append("\" fill=\"none\" stroke=\"#666\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>");
    }
    for (Node node : nodes) {
      Placement p = at.get(node.id());
      String[] style = STYLES.getOrDefault(node.state(), STYLES.get("unknown"));
      var tip = new StringBuilder(node.label());
      node.details().forEach(d -> tip.append('\n').append(d));
      if (node.href() != null) {
        b.append("<a href=\"").append(Svg.esc(node.href())).append("\">");
      }
      b.append("<g class=\"node ").append(Svg.esc(node.state())).append("\" data-id=\"").append(Svg.esc(node.id()))
          .append("\" data-layer=\"").append(p.layer()).append("\" data-slot=\"").append(p.slot()).append("\"><title>")
          .append(Svg.esc(tip.toString())).append("</title><rect x=\"").append(Svg.num(p.x())).append("\" y=\"")
          .append(Svg.num(p.y())).append("\" width=\"").append(NODE_W).append("\" height=\"").append(NODE_H)
          .append("\" rx=\"6\" fill=\"").append(style[0]).append("\" stroke=\"").append(style[1])
          .append("\" stroke-width=\"").append(style[2]).append('"')
          .append(style[3].isEmpty() ? "" : " stroke-dasharray=\"" + style[3] + "\"").append("/>");
      b.append("<text x=\"").append(Svg.num(p.x() + 8)).append("\" y=\"").append(Svg.num(p.y() + 17))
          .append("\" font-weight=\"bold\" font-size=\"12\" fill=\"#222\">").append(Svg.esc(Svg.shorten(node.label(), 28)))
          .append("</text>");
      for (int i = 0; i < Math.min(2, node.details().size()); i++) {
        b.append("<text x=\"").append(Svg.num(p.x() + 8)).append("\" y=\"").append(Svg.num(p.y() + 32 + 14 * i))
            .append("\" fill=\"#333\">").append(Svg.esc(Svg.shorten(node.details().get(i), 34))).append("</text>");
      }
      b.append("</g>");
      if (node.href() != null) {
        b.append("</a>");
      }
    }
    return b.append("</svg>").toString();
  }

  /** Fill, stroke, stroke width and dash pattern of a node in {@code state} (for a legend drawn elsewhere). */
  public static String[] nodeStyle(String state) {
    return STYLES.getOrDefault(state, STYLES.get("unknown")).clone();
  }

  private static Map<String, String[]> styles() {
    var m = new LinkedHashMap<String, String[]>();
    // fill, stroke, stroke width, dash pattern
    m.put("succeeded", new String[] {"#e3f4e6", "#2e7d32", "1.5", ""});
    m.put("failed", new String[] {"#fde7e7", "#c62828", "2", ""});
    m.put("cached", new String[] {"#eceff4", "#546e7a", "1.5", "5 3"});
    m.put("running", new String[] {"#fff6d8", "#e0a000", "2", ""});
    m.put("pending", new String[] {"#fafafa", "#9e9e9e", "1", "2 2"});
    m.put("canceled", new String[] {"#f3f3f3", "#757575", "1", "2 2"});
    m.put("artifact", new String[] {"#e6efff", "#3060c0", "1.2", ""});
    m.put("deleted", new String[] {"#f6f6f6", "#9e9e9e", "1", "4 2"});
    m.put("execution", new String[] {"#fff", "#555", "1.2", ""});
    m.put("focus", new String[] {"#fff2cc", "#b07800", "3", ""});
    m.put("unknown", new String[] {"#fff", "#999", "1", ""});
    return java.util.Collections.unmodifiableMap(m);
  }
}
