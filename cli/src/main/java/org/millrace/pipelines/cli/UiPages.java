package org.millrace.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.millrace.api.artifact.ModelEvaluation;
import org.millrace.api.artifact.ModelRun;
import org.millrace.api.format.EvaluationResult;
import org.millrace.evaluator.Json;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Context;
import org.millrace.metadata.Event;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.LineageGraph;
import org.millrace.metadata.LineageQuery;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.Value;
import org.millrace.pipelines.cli.web.GraphSvg;
import org.millrace.pipelines.cli.web.LineChart;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreQueries;
import org.millrace.pipelines.spec.NodeSpec;
import org.millrace.pipelines.spec.PipelineSpec;

/**
 * The pictures and comparisons of {@link WebUi}'s pages: a run's graph, an artifact's or an
 * execution's lineage, a pipeline's runs with the Evaluator's metrics and a chart of one metric
 * across runs, and two runs compared (training curves overlaid, evaluation metrics, parameters).
 * Everything is read from the metadata store and the files of the artifacts it names
 * ({@code evaluation.json} of a ModelEvaluation, {@code history.json} of a ModelRun).
 */
final class UiPages {
  /** At most this many boxes in a lineage graph: fewer hops are followed until it fits. */
  static final int MAX_LINEAGE_NODES = 60;
  static final String OVERALL = "Overall";
  static final String ALL_SLICES = "*";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final MetadataStore store;
  private final StoreQueries queries;

  UiPages(MetadataStore store, StoreQueries queries) {
    this.store = store;
    this.queries = queries;
  }

  /** A request whose query names something that is not there: answered 400 with the message. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  // ---- a run's graph

  /** The run's nodes (from the pipeline spec it ran) as a graph, each with its last execution's state. */
  String runGraph(String runId, PipelineSpec spec) {
    Map<String, Execution> last = lastPerNode(queries.runExecutions(runId));
    var nodes = new ArrayList<GraphSvg.Node>();
    var edges = new ArrayList<GraphSvg.Edge>();
    for (NodeSpec n : spec.nodes()) {
      Execution e = last.get(n.id());
      String state = e == null ? "pending" : stateClass(e.state());
      var details = new ArrayList<String>();
      details.add(n.component() + (e == null ? "" : " \u00b7 " + duration(e)));
      details.add(e == null ? "not run" : describe(e));
      if (e != null && e.state() == ExecutionState.FAILED) {
        details.add(String.valueOf(e.property(Keys.ERROR).map(Value::raw).orElse("")).lines().findFirst().orElse(""));
      }
      nodes.add(new GraphSvg.Node(n.id(), n.id(), details, state, e == null ? null : "/executions/" + e.id()));
      for (String up : n.upstream()) {
        edges.add(new GraphSvg.Edge(up, n.id()));
      }
    }
    return "<div class=\"picture\">" + GraphSvg.render("graph of run " + runId, nodes, edges) + "</div>"
        + "<p class=\"legend\">" + legend() + "</p>";
  }

  private static String legend() {
    var b = new StringBuilder();
    for (String s : List.of("succeeded", "cached", "failed", "running", "pending")) {
      String[] style = GraphSvg.nodeStyle(s);
      b.append("<span class=\"key\" style=\"background:").append(style[0]).append(";border-color:").append(style[1])
          .append("\">").append(s.equals("cached") ? "cached (cache hit)" : s.equals("pending") ? "not run" : s)
          .append("</span> ");
    }
    return b.toString();
  }

  /** {@code succeeded failed cached running pending canceled}: the graph's name for an execution state. */
  static String stateClass(ExecutionState s) {
    return switch (s) {
      case COMPLETE -> "succeeded";
      case CACHED -> "cached";
      case FAILED -> "failed";
      case RUNNING -> "running";
      case NEW -> "pending";
      case CANCELED -> "canceled";
    };
  }

  private static String describe(Execution e) {
    return switch (e.state()) {
      case CACHED -> "cache hit" + e.property(Keys.CACHED_FROM).map(v -> " (from #" + v.raw() + ")").orElse("");
      case COMPLETE -> "succeeded, cache miss";
      default -> stateClass(e.state());
    } + attempt(e);
  }

  private static String attempt(Execution e) {
    String a = StoreQueries.stringProp(e, Keys.ATTEMPT);
    return a == null || a.equals("1") ? "" : ", attempt " + a;
  }

  // ---- lineage

  /**
   * The lineage around an artifact or an execution, upstream and downstream, as a graph whose boxes
   * link to their pages; as many hops as fit in {@link #MAX_LINEAGE_NODES} boxes.
   */
  String lineage(Long artifactId, Long executionId) {
    LineageGraph up = null;
    LineageGraph down = null;
    int hops = 0;
    for (int h : new int[] {8, 6, 4, 3, 2, 1}) {
      hops = h;
      up = store.lineage(new LineageQuery(artifactId, executionId, LineageQuery.Direction.UPSTREAM, h));
      down = store.lineage(new LineageQuery(artifactId, executionId, LineageQuery.Direction.DOWNSTREAM, h));
      if (count(up, down) <= MAX_LINEAGE_NODES) {
        break;
      }
    }
    var artifacts = new TreeMap<Long, Artifact>();
    var executions = new TreeMap<Long, Execution>();
    var events = new LinkedHashSet<List<Long>>();
    for (LineageGraph g : List.of(up, down)) {
      g.artifacts().forEach(a -> artifacts.put(a.id(), a));
      g.executions().forEach(e -> executions.put(e.id(), e));
    }
    // Keep the boxes nearest the start (lowest ids first) when one hop is still too many.
    int total = artifacts.size() + executions.size();
    String note = "";
    if (total > MAX_LINEAGE_NODES) {
      var keptA = new TreeMap<Long, Artifact>();
      var keptE = new TreeMap<Long, Execution>();
      if (artifactId != null) {
        keptA.put(artifactId, artifacts.get(artifactId));
      } else {
        keptE.put(executionId, executions.get(executionId));
      }
      var ea = artifacts.values().iterator();
      var ee = executions.values().iterator();
      while (keptA.size() + keptE.size() < MAX_LINEAGE_NODES && (ea.hasNext() || ee.hasNext())) {
        if (ee.hasNext()) {
          Execution e = ee.next();
          keptE.put(e.id(), e);
        }
        if (ea.hasNext() && keptA.size() + keptE.size() < MAX_LINEAGE_NODES) {
          Artifact a = ea.next();
          keptA.put(a.id(), a);
        }
      }
      artifacts.keySet().retainAll(keptA.keySet());
      executions.keySet().retainAll(keptE.keySet());
      note = " (the first " + MAX_LINEAGE_NODES + " of " + total + " one hop away)";
    } else {
      note = " (" + hops + " hop" + (hops == 1 ? "" : "s") + " each way)";
    }
    var edges = new ArrayList<GraphSvg.Edge>();
    for (LineageGraph g : List.of(up, down)) {
      for (Event ev : g.events()) {
        if (artifacts.containsKey(ev.artifactId()) && executions.containsKey(ev.executionId())
            && events.add(List.of(ev.artifactId(), ev.executionId(), ev.type() == EventType.INPUT ? 0L : 1L))) {
          edges.add(ev.type() == EventType.INPUT ? new GraphSvg.Edge("a" + ev.artifactId(), "e" + ev.executionId())
              : new GraphSvg.Edge("e" + ev.executionId(), "a" + ev.artifactId()));
        }
      }
    }
    var nodes = new ArrayList<GraphSvg.Node>();
    // Executions and artifacts interleaved by id: the order the pipeline made them, so the layout follows it.
    var order = new TreeMap<Long, List<GraphSvg.Node>>();
    for (Execution e : executions.values()) {
      String node = StoreQueries.stringProp(e, Keys.NODE);
      String run = StoreQueries.runIdOf(e);
      boolean focus = executionId != null && executionId == e.id();
      order.computeIfAbsent(createdMs(e.createTime()), k -> new ArrayList<>()).add(new GraphSvg.Node("e" + e.id(),
          (node == null ? "" : node + " ") + "(" + e.type() + ")",
          List.of("execution #" + e.id() + " \u00b7 " + e.state(), run == null ? "no run" : "run " + run),
          focus ? "focus" : stateClass(e.state()), "/executions/" + e.id()));
    }
    for (Artifact a : artifacts.values()) {
      boolean focus = artifactId != null && artifactId == a.id();
      order.computeIfAbsent(createdMs(a.createTime()), k -> new ArrayList<>()).add(new GraphSvg.Node("a" + a.id(),
          a.type() + " #" + a.id(), List.of(lastPart(a.uri()), String.valueOf(a.state())),
          focus ? "focus" : a.state() == ArtifactState.DELETED ? "deleted" : "artifact", "/artifacts/" + a.id()));
    }
    order.values().forEach(nodes::addAll);
    String svg;
    try {
      svg = GraphSvg.render("lineage of " + (artifactId != null ? "artifact #" + artifactId
          : "execution #" + executionId), nodes, edges);
    } catch (IllegalArgumentException e) {
      svg = "<p>" + WebUi.esc(e.getMessage()) + "</p>";
    }
    return "<h2>lineage" + WebUi.esc(note) + "</h2><p class=\"legend\">upstream above, downstream below; "
        + "<span class=\"key\" style=\"background:#e6efff;border-color:#3060c0\">artifact</span> "
        + "<span class=\"key\" style=\"background:#e3f4e6;border-color:#2e7d32\">execution</span> "
        + "(click a box for its page)</p><div class=\"picture\">" + svg + "</div>";
  }

  private static long createdMs(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }

  private static int count(LineageGraph up, LineageGraph down) {
    var ids = new TreeSet<String>();
    for (LineageGraph g : List.of(up, down)) {
      g.artifacts().forEach(a -> ids.add("a" + a.id()));
      g.executions().forEach(e -> ids.add("e" + e.id()));
    }
    return ids.size();
  }

  private static String lastPart(String uri) {
    if (uri == null) {
      return "";
    }
    String[] parts = uri.split("/");
    return parts.length >= 2 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : uri;
  }

  // ---- a pipeline's runs and their metrics

  /** A run of a pipeline: its context, spec and executions. */
  record RunInfo(Context context, PipelineSpec spec, List<Execution> executions) {
    String id() {
      return context.name();
    }

    Long startedMs() {
      Value v = context.properties().get(Keys.STARTED_MS);
      return v == null ? null : ((Number) v.raw()).longValue();
    }
  }

  /** The runs of {@code pipeline}, oldest first. */
  List<RunInfo> runsOf(String pipeline) {
    var out = new ArrayList<RunInfo>();
    for (Context run : store.getContexts(Keys.RUN_CONTEXT)) {
      Value spec = run.properties().get(Keys.SPEC);
      if (spec == null) {
        continue;
      }
      PipelineSpec s = PipelineSpec.fromJson(String.valueOf(spec.raw()));
      if (s.name().equals(pipeline)) {
        out.add(new RunInfo(run, s, queries.runExecutions(run.name())));
      }
    }
    return out;
  }

  /**
   * The pipeline's runs with the Evaluator's metrics for one slice as columns, and a chart of one
   * metric across the runs; {@code metric} and {@code slice} come from the query ({@code slice=*}:
   * every slice).
   */
  String pipeline(String pipeline, Map<String, String> query) {
    List<RunInfo> runs = runsOf(pipeline);
    var metrics = new LinkedHashMap<String, Map<String, Map<String, Double>>>();
    var metricNames = new TreeSet<String>();
    var sliceNames = new TreeSet<String>();
    for (RunInfo r : runs) {
      Map<String, Map<String, Double>> m = evaluation(r);
      metrics.put(r.id(), m);
      sliceNames.addAll(m.keySet());
      m.values().forEach(x -> metricNames.addAll(x.keySet()));
    }
    var slices = new ArrayList<String>();
    if (sliceNames.remove(OVERALL)) {
      slices.add(OVERALL);
    }
    slices.addAll(sliceNames);
    String metric = query.getOrDefault("metric", metricNames.contains("accuracy") ? "accuracy"
        : metricNames.isEmpty() ? null : metricNames.first());
    String slice = query.getOrDefault("slice", OVERALL);
    if (query.containsKey("metric") && !metricNames.contains(metric)) {
      throw new BadRequest("metric expected one of the Evaluator's metrics " + metricNames + ", got '" + metric + "'");
    }
    if (query.containsKey("slice") && !slice.equals(ALL_SLICES) && !slices.contains(slice)) {
      throw new BadRequest("slice expected one of " + slices + " or " + ALL_SLICES + " (every slice), got '"
          + slice + "'");
    }
    var b = new StringBuilder("<p><a href=\"/\">pipelines</a></p>");
    String tableSlice = slice.equals(ALL_SLICES) ? OVERALL : slice;
    if (metric != null) {
      var xLabels = new ArrayList<String>();
      var xTitles = new ArrayList<String>();
      for (int i = 0; i < runs.size(); i++) {
        xLabels.add("#" + (i + 1));
        xTitles.add(runs.get(i).id());
      }
      var chartSlices = slice.equals(ALL_SLICES) ? slices
          : slice.equals(OVERALL) ? List.of(OVERALL) : List.of(OVERALL, slice);
      var series = new ArrayList<LineChart.Series>();
      for (int k = 0; k < chartSlices.size(); k++) {
        String s = chartSlices.get(k);
        var values = new ArrayList<Double>();
        for (RunInfo r : runs) {
          values.add(metrics.get(r.id()).getOrDefault(s, Map.of()).get(metric));
        }
        series.add(new LineChart.Series(s, LineChart.PALETTE.get(k % LineChart.PALETTE.size()),
            !s.equals(OVERALL) && k >= LineChart.PALETTE.size(), values));
      }
      b.append("<h2>").append(WebUi.esc(metric)).append(" across runs, ")
          .append(slice.equals(ALL_SLICES) ? "every slice" : "slice " + WebUi.esc(slice)).append("</h2>")
          .append("<div class=\"picture\">").append(LineChart.render(metric + " across runs", xLabels, xTitles, series))
          .append("</div><p class=\"choose\">metric: ");
      for (String m : metricNames) {
        b.append(choice(pipeline, m, slice, m.equals(metric), m));
      }
      b.append("</p><p class=\"choose\">slice: ");
      for (String s : slices) {
        b.append(choice(pipeline, metric, s, s.equals(slice), s));
      }
      b.append(choice(pipeline, metric, ALL_SLICES, slice.equals(ALL_SLICES), "every slice")).append("</p>");
    } else {
      b.append("<p>No run of this pipeline has an Evaluator's metrics yet.</p>");
    }
    b.append("<h2>runs (newest first; metrics of slice ").append(WebUi.esc(tableSlice)).append(")</h2>")
        .append("<table class=\"runs\"><tr><th>#</th><th>run</th><th>state</th><th>started</th><th>nodes</th>");
    for (String m : metricNames) {
      b.append("<th class=\"num\">").append(choice(pipeline, m, slice, m.equals(metric), m).strip()).append("</th>");
    }
    b.append("<th>compare</th></tr>");
    for (int i = runs.size() - 1; i >= 0; i--) {
      RunInfo r = runs.get(i);
      String state = RunsCommand.state(r.context(), r.executions());
      Long started = r.startedMs();
      b.append("<tr><td class=\"num\">").append(i + 1).append("</td><td><a href=\"/runs/").append(url(r.id()))
          .append("\">").append(WebUi.esc(r.id())).append("</a></td><td class=\"").append(state.split(" ")[0])
          .append("\">").append(WebUi.esc(state)).append("</td><td class=\"num\">")
          .append(started == null ? "" : TIME.format(Instant.ofEpochMilli(started))).append("</td><td class=\"num\">")
          .append(RunsCommand.nodeStates(r.executions()).size()).append("</td>");
      Map<String, Double> row = metrics.get(r.id()).getOrDefault(tableSlice, Map.of());
      for (String m : metricNames) {
        Double v = row.get(m);
        b.append("<td class=\"num\">").append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v)).append("</td>");
      }
      b.append("<td>").append(i == 0 ? "" : "<a href=\"/compare?a=" + url(runs.get(i - 1).id()) + "&amp;b="
          + url(r.id()) + "\">with #" + i + "</a>").append("</td></tr>");
    }
    return b.append("</table>").toString();
  }

  private static String choice(String pipeline, String metric, String slice, boolean selected, String text) {
    String href = "/pipelines/" + url(pipeline) + "?metric=" + url(metric) + "&amp;slice=" + url(slice);
    return selected ? "<b class=\"sel\">" + WebUi.esc(text) + "</b> "
        : "<a href=\"" + href + "\">" + WebUi.esc(text) + "</a> ";
  }

  /**
   * The metrics of the run's first Evaluator (in the spec's node order) by slice: from its
   * {@code evaluation.json}, or, when gc took the files, the overall metrics its artifact records.
   */
  Map<String, Map<String, Double>> evaluation(RunInfo run) {
    Optional<Artifact> a = output(run, ModelEvaluation.TYPE.name());
    if (a.isEmpty()) {
      return Map.of();
    }
    Path dir = Path.of(a.get().uri());
    var out = new LinkedHashMap<String, Map<String, Double>>();
    if (Files.isRegularFile(dir.resolve(EvaluationResult.FILE))) {
      EvaluationResult.read(dir).slices().forEach((slice, metrics) -> {
        var m = new TreeMap<String, Double>();
        metrics.metrics().forEach((name, value) -> {
          if (Double.isFinite(value)) {
            m.put(name, value);
          }
        });
        out.put(slice, m);
      });
      return out;
    }
    var overall = new TreeMap<String, Double>();
    a.get().customProperties().forEach((k, v) -> {
      if (v instanceof Value.DoubleValue d) {
        overall.put(k, d.value());
      }
    });
    return overall.isEmpty() ? Map.of() : Map.of(OVERALL, overall);
  }

  /** The output of type {@code type} of the first node (in spec order) whose last execution in the run wrote one. */
  private Optional<Artifact> output(RunInfo run, String type) {
    Map<String, Execution> last = lastPerNode(run.executions());
    for (NodeSpec n : run.spec().nodes()) {
      Execution e = last.get(n.id());
      if (e == null || (e.state() != ExecutionState.COMPLETE && e.state() != ExecutionState.CACHED)) {
        continue;
      }
      for (List<Artifact> list : queries.outputs(e.id()).values()) {
        for (Artifact x : list) {
          if (x != null && x.type().equals(type)) {
            return Optional.of(x);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalStateException(file + " expected a JSON file, could not read it: " + e.getMessage(), e);
    }
  }

  // ---- two runs compared

  /** {@code /compare?a=RUN&b=RUN}: training curves overlaid, evaluation metrics side by side, parameters diffed. */
  String compare(Map<String, String> query) {
    String a = query.get("a");
    String b = query.get("b");
    if (a == null || b == null) {
      throw new BadRequest("compare expected query parameters a and b (run ids, e.g. /compare?a=RUN&b=RUN), got "
          + (a == null ? "no a" : "a") + " and " + (b == null ? "no b" : "b"));
    }
    RunInfo ra = run(a);
    RunInfo rb = run(b);
    var out = new StringBuilder("<p><a href=\"/pipelines/").append(url(ra.spec().name())).append("\">pipeline ")
        .append(WebUi.esc(ra.spec().name())).append("</a></p><table><tr><th>A</th><td><a href=\"/runs/")
        .append(url(a)).append("\">").append(WebUi.esc(a)).append("</a></td></tr><tr><th>B</th><td><a href=\"/runs/")
        .append(url(b)).append("\">").append(WebUi.esc(b)).append("</a></td></tr></table>");
    out.append(parameterDiff(ra, rb));
    out.append(curves(ra, rb));
    out.append(metricsTable(ra, rb));
    return out.toString();
  }

  private RunInfo run(String id) {
    Context c = store.getContext(Keys.RUN_CONTEXT, id).orElseThrow(() -> new WebUi.NotFound("no run '" + id + "'"));
    Value spec = c.properties().get(Keys.SPEC);
    if (spec == null) {
      throw new WebUi.NotFound("run '" + id + "' has no pipeline spec recorded");
    }
    return new RunInfo(c, PipelineSpec.fromJson(String.valueOf(spec.raw())), queries.runExecutions(id));
  }

  /** Per-epoch history of the run's Trainer ({@code history.json} of its ModelRun): epoch to [train loss, val loss, val accuracy]. */
  Map<Integer, double[]> history(RunInfo run) {
    Optional<Artifact> a = output(run, ModelRun.TYPE.name());
    var out = new TreeMap<Integer, double[]>();
    if (a.isEmpty()) {
      return out;
    }
    Path file = Path.of(a.get().uri()).resolve("history.json");
    if (!Files.isRegularFile(file)) {
      return out;
    }
    for (JsonNode e : readJson(file).path("epochs")) {
      out.put(e.path("epoch").asInt(), new double[] {num(e, "trainLoss"), num(e, "validationLoss"),
          num(e, "validationAccuracy")});
    }
    return out;
  }

  private static double num(JsonNode e, String field) {
    JsonNode v = e.path(field);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }

  private String curves(RunInfo ra, RunInfo rb) {
    Map<Integer, double[]> ha = history(ra);
    Map<Integer, double[]> hb = history(rb);
    if (ha.isEmpty() && hb.isEmpty()) {
      return "<h2>training curves</h2><p>Neither run has a Trainer's history (history.json of a ModelRun).</p>";
    }
    var epochs = new TreeSet<Integer>();
    epochs.addAll(ha.keySet());
    epochs.addAll(hb.keySet());
    var labels = new ArrayList<String>();
    for (int e : epochs) {
      labels.add(String.valueOf(e));
    }
    var titles = labels.stream().map(l -> "epoch " + l).toList();
    var loss = List.of(
        new LineChart.Series("A train loss", "#1f77b4", false, column(ha, epochs, 0)),
        new LineChart.Series("A validation loss", "#1f77b4", true, column(ha, epochs, 1)),
        new LineChart.Series("B train loss", "#ff7f0e", false, column(hb, epochs, 0)),
        new LineChart.Series("B validation loss", "#ff7f0e", true, column(hb, epochs, 1)));
    var acc = List.of(
        new LineChart.Series("A validation accuracy", "#1f77b4", false, column(ha, epochs, 2)),
        new LineChart.Series("B validation accuracy", "#ff7f0e", false, column(hb, epochs, 2)));
    return "<h2>training curves (x: epoch)</h2><div class=\"picture\">"
        + LineChart.render("loss per epoch, A and B", labels, titles, loss) + "</div><div class=\"picture\">"
        + LineChart.render("validation accuracy per epoch, A and B", labels, titles, acc) + "</div>"
        + "<p>epochs: A " + ha.size() + ", B " + hb.size() + "</p>";
  }

  private static List<Double> column(Map<Integer, double[]> h, Set<Integer> epochs, int k) {
    var out = new ArrayList<Double>();
    for (int e : epochs) {
      double[] row = h.get(e);
      out.add(row == null ? null : row[k]);
    }
    return out;
  }

  private String metricsTable(RunInfo ra, RunInfo rb) {
    Map<String, Double> ma = evaluation(ra).getOrDefault(OVERALL, Map.of());
    Map<String, Double> mb = evaluation(rb).getOrDefault(OVERALL, Map.of());
    if (ma.isEmpty() && mb.isEmpty()) {
      return "";
    }
    var names = new TreeSet<>(ma.keySet());
    names.addAll(mb.keySet());
    var b = new StringBuilder("<h2>evaluation (slice Overall)</h2><table><tr><th>metric</th><th class=\"num\">A</th>"
        + "<th class=\"num\">B</th><th class=\"num\">B \u2212 A</th></tr>");
    for (String n : names) {
      Double x = ma.get(n);
      Double y = mb.get(n);
      b.append("<tr><td>").append(WebUi.esc(n)).append("</td><td class=\"num\">").append(fmt(x))
          .append("</td><td class=\"num\">").append(fmt(y)).append("</td><td class=\"num\">")
          .append(x == null || y == null ? "" : String.format(Locale.ROOT, "%+.4f", y - x).replace("-0.0000", "+0.0000"))
          .append("</td></tr>");
    }
    return b.append("</table>").toString();
  }

  private static String fmt(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** The parameters of the two runs' specs that differ, then (folded) every parameter of every node. */
  static String parameterDiff(RunInfo ra, RunInfo rb) {
    Map<String, String> pa = parameters(ra.spec());
    Map<String, String> pb = parameters(rb.spec());
    var keys = new LinkedHashSet<>(pa.keySet());
    keys.addAll(pb.keySet());
    var changed = new ArrayList<String>();
    for (String k : keys) {
      if (!java.util.Objects.equals(pa.get(k), pb.get(k))) {
        changed.add(k);
      }
    }
    var b = new StringBuilder("<h2>parameters: ").append(changed.size()).append(" of ").append(keys.size())
        .append(" differ</h2>");
    if (!changed.isEmpty()) {
      b.append(parameterTable(changed, pa, pb, true));
    }
    return b.append("<details><summary>every parameter (").append(keys.size()).append(")</summary>")
        .append(parameterTable(new ArrayList<>(keys), pa, pb, false)).append("</details>").toString();
  }

  private static String parameterTable(List<String> keys, Map<String, String> pa, Map<String, String> pb,
      boolean changed) {
    var b = new StringBuilder("<table class=\"params\"><tr><th>node</th><th>parameter</th><th>A</th><th>B</th></tr>");
    for (String k : keys) {
      int dot = k.indexOf('\u0000');
      boolean diff = changed || !java.util.Objects.equals(pa.get(k), pb.get(k));
      b.append("<tr").append(diff ? " class=\"changed\"" : "").append("><td>").append(WebUi.esc(k.substring(0, dot)))
          .append("</td><td>").append(WebUi.esc(k.substring(dot + 1))).append("</td><td>")
          .append(pa.containsKey(k) ? WebUi.esc(pa.get(k)) : "<i>(none)</i>").append("</td><td>")
          .append(pb.containsKey(k) ? WebUi.esc(pb.get(k)) : "<i>(none)</i>").append("</td></tr>");
    }
    return b.append("</table>").toString();
  }

  /**
   * A spec's parameters flattened: {@code node NUL path} to the value as JSON, where a path is the
   * parameter's name followed by {@code .key} and {@code [index]} steps; a node's component too.
   */
  static Map<String, String> parameters(PipelineSpec spec) {
    var out = new LinkedHashMap<String, String>();
    for (NodeSpec n : spec.nodes()) {
      out.put(n.id() + '\u0000' + "(component)", n.component());
      JsonNode tree = Json.MAPPER.valueToTree(n.parameters());
      tree.fields().forEachRemaining(f -> flatten(n.id() + '\u0000' + f.getKey(), f.getValue(), out));
    }
    return out;
  }

  private static void flatten(String path, JsonNode v, Map<String, String> out) {
    if (v.isObject() && v.size() > 0) {
      v.fields().forEachRemaining(f -> flatten(path + "." + f.getKey(), f.getValue(), out));
    } else if (v.isArray() && v.size() > 0) {
      for (int i = 0; i < v.size(); i++) {
        flatten(path + "[" + i + "]", v.get(i), out);
      }
    } else {
      out.put(path, v.isTextual() ? v.asText() : v.toString());
    }
  }

  // ---- an execution

  /** An execution: what it is, its properties, what it read and wrote, and its lineage. */
  String execution(long id) {
    Execution e = store.getExecution(id).orElseThrow(() -> new WebUi.NotFound("no execution #" + id));
    String run = StoreQueries.runIdOf(e);
    var b = new StringBuilder("<table>");
    b.append(row("type", WebUi.esc(e.type()))).append(row("state", "<span class=\"" + e.state() + "\">" + e.state()
        + "</span>"));
    if (run != null) {
      b.append(row("run", "<a href=\"/runs/" + url(run) + "\">" + WebUi.esc(run) + "</a>"));
    }
    b.append(row("duration", duration(e)));
    for (Map<String, Value> props : List.of(e.properties(), e.customProperties())) {
      new TreeMap<>(props).forEach((k, v) -> {
        if (!k.equals(Keys.ERROR)) {
          b.append(row(WebUi.esc(k), "<code>" + WebUi.esc(shorten(String.valueOf(v.raw()), 400)) + "</code>"));
        }
      });
    }
    b.append("</table>");
    e.property(Keys.ERROR).ifPresent(v -> b.append("<h2>error</h2><pre>").append(WebUi.esc(String.valueOf(v.raw())))
        .append("</pre>"));
    List<Event> events = store.getEventsByExecutionIds(List.of(id));
    for (EventType t : List.of(EventType.INPUT, EventType.OUTPUT)) {
      b.append("<h2>").append(t == EventType.INPUT ? "read" : "wrote").append("</h2><ul>");
      for (Event ev : events) {
        if (ev.type() == t) {
          b.append("<li>'").append(WebUi.esc(ev.key())).append("': ").append(store.getArtifact(ev.artifactId())
              .map(x -> "<a href=\"/artifacts/" + x.id() + "\">" + WebUi.esc(x.type()) + " #" + x.id() + "</a> ("
                  + x.state() + ")").orElse("#" + ev.artifactId())).append("</li>");
        }
      }
      b.append("</ul>");
    }
    return b.append(lineage(null, id)).toString();
  }

  private static String row(String k, String v) {
    return "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
  }

  /** A long property value cut (cache keys hold whole parameter sets). */
  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }

  // ---- shared

  /** The last execution of each node, in the order the nodes first ran. */
  static Map<String, Execution> lastPerNode(List<Execution> execs) {
    var last = new LinkedHashMap<String, Execution>();
    for (Execution e : execs) {
      last.put(StoreQueries.stringProp(e, Keys.NODE), e);
    }
    return last;
  }

  static String duration(Execution e) {
    Value a = e.customProperties().getOrDefault(Keys.STARTED_MS, e.properties().get(Keys.STARTED_MS));
    Value b = e.customProperties().getOrDefault(Keys.ENDED_MS, e.properties().get(Keys.ENDED_MS));
    if (a == null || b == null) {
      return e.state() == ExecutionState.RUNNING ? "running" : "";
    }
    return String.format(Locale.ROOT, "%.1fs", (((Number) b.raw()).longValue() - ((Number) a.raw()).longValue())
        / 1000.0);
  }

  static String url(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
