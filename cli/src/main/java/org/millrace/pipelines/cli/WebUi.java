package org.millrace.pipelines.cli;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.Context;
import org.millrace.metadata.Event;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.Value;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreQueries;
import org.millrace.pipelines.spec.PipelineSpec;
import org.millrace.serving.http.BearerToken;
import org.millrace.serving.http.HttpService;
import org.millrace.serving.http.Responses;

/**
 * {@code millrace ui}: the metadata store as web pages, server-rendered, no scripts: pipelines,
 * their runs with the Evaluator's metrics and a chart of one across runs, a run's graph and nodes
 * with states, durations, errors and outputs, an execution, two runs compared ({@code /compare}:
 * training curves, metrics, parameters), and an artifact with its properties, its lineage graph
 * and the HTML reports its component wrote (statistics, evaluation, training curves), served from
 * the artifact's own directory only (never a file that a {@code ..} or a symbolic link leads
 * outside it). The pictures are inline SVG ({@code UiPages}, {@link org.millrace.pipelines.cli.web.GraphSvg}).
 *
 * <p>Answers only requests whose {@code Host} is an address of the server (DNS rebinding); with a
 * {@link BearerToken}, only requests that carry it, but {@code GET /healthz}. Pages carry a
 * Content-Security-Policy that allows nothing but their own inline style; report files are served
 * sandboxed. Requests are served four at a time, {@code /healthz} besides them, under the
 * {@linkplain org.millrace.serving.http.ServerLimits slow-client limits} ({@link HttpService}).
 */
public final class WebUi implements AutoCloseable {
  private final MetadataStore store;
  private final StoreQueries queries;
  private final UiPages pages;
  /** What the pages may load: nothing but their inline style sheet; no scripts, frames, forms or framing. */
  static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
      + " form-action 'none'; frame-ancestors 'none'";
  /** Report files of components: a sandbox (no scripts, an origin of their own) that loads nothing from elsewhere. */
  static final String FILE_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
      + " frame-ancestors 'none'";

  private final HttpService http;
  private final java.util.Set<String> allowedHosts;
  private final BearerToken token;

  public WebUi(MetadataStore store, String host, int port) throws IOException {
    this(store, host, port, null);
  }

  /** With a {@code token} (or null for none), every request but {@code /healthz} must carry it (401 otherwise). */
  public WebUi(MetadataStore store, String host, int port, BearerToken token) throws IOException {
    this.store = store;
    this.token = token;
    var hosts = new java.util.TreeSet<>(List.of("localhost", "127.0.0.1", "::1", host));
    if (host.equals("0.0.0.0") || host.equals("::")) {
      hosts.add(java.net.InetAddress.getLocalHost().getHostName());
      hosts.add(java.net.InetAddress.getLocalHost().getHostAddress());
    }
    this.allowedHosts = java.util.Collections.unmodifiableSet(hosts);
    this.queries = new StoreQueries(store);
    this.pages = new UiPages(store, queries);
    this.http = HttpService.start("millrace-ui", host, port, 4, Set.of("/healthz"), this::handle);
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String host = ex.getRequestHeaders().getFirst("Host");
      String hostName = host == null ? "" : host.replaceAll(":\\d+$", "").replaceAll("^\\[|]$", "");
      if (!allowedHosts.contains(hostName)) {
        // Pages a browser fetches under another name (DNS rebinding) do not get the store's contents.
        send(ex, 421, "text/plain", ("host expected one of " + allowedHosts + ", got '" + host + "'")
            .getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      if (path.equals("/healthz")) {
        send(ex, 200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String refusal = token == null ? null : token.refusal(ex);
      if (refusal != null) {
        send(ex, 401, "text/plain; charset=utf-8", refusal.getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, "text/plain", "expected GET".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String[] p = path.split("/", -1);
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      if (path.equals("/")) {
        page(ex, "millrace", pipelines());
      } else if (p.length == 3 && p[1].equals("pipelines")) {
        String name = decode(p[2]);
        page(ex, "pipeline " + name, runs(name, query));
      } else if (p.length == 3 && p[1].equals("runs")) {
        String id = decode(p[2]);
        page(ex, "run " + id, run(id));
      } else if (p.length == 3 && p[1].equals("artifacts")) {
        Artifact a = artifact(p[2]);
        page(ex, a.type() + " #" + a.id(), artifactPage(a));
      } else if (p.length == 3 && p[1].equals("executions")) {
        long id = number(p[2], "execution");
        page(ex, "execution #" + id, pages.execution(id));
      } else if (path.equals("/compare")) {
        page(ex, "compare runs", pages.compare(query));
      } else if (p.length >= 4 && p[1].equals("files")) {
        file(ex, artifact(p[2]), String.join("/", List.of(p).subList(3, p.length)));
      } else {
        throw new NotFound("no page " + path);
      }
    } catch (NotFound e) {
      page(ex, 404, "not found", "<p>" + esc(e.getMessage()) + "</p><p><a href=\"/\">pipelines</a></p>");
    } catch (UiPages.BadRequest e) {
      page(ex, 400, "bad request", "<p>" + esc(e.getMessage()) + "</p><p><a href=\"/\">pipelines</a></p>");
    } catch (RuntimeException e) {
      page(ex, 500, "error", "<p>" + esc(e.toString()) + "</p>");
    } finally {
      ex.close();
    }
  }

  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }

  private String pipelines() {
    var rows = new StringBuilder();
    for (Context c : store.getContexts(Keys.PIPELINE_CONTEXT)) {
      rows.append("<tr><td><a href=\"/pipelines/").append(url(c.name())).append("\">").append(esc(c.name()))
          .append("</a></td></tr>");
    }
    return "<table><tr><th>pipeline</th></tr>" + rows + "</table>";
  }

  private String runs(String pipeline, Map<String, String> query) {
    if (store.getContext(Keys.PIPELINE_CONTEXT, pipeline).isEmpty()) {
      throw new NotFound("no pipeline '" + pipeline + "'");
    }
    return pages.pipeline(pipeline, query);
  }

  private String run(String runId) {
    Optional<Context> ctx = store.getContext(Keys.RUN_CONTEXT, runId);
    if (ctx.isEmpty()) {
      throw new NotFound("no run '" + runId + "'");
    }
    Value spec = ctx.get().properties().get(Keys.SPEC);
    var rows = new StringBuilder();
    for (Execution e : queries.runExecutions(runId)) {
      String node = String.valueOf(StoreQueries.stringProp(e, Keys.NODE));
      var outputs = new StringBuilder();
      queries.outputs(e.id()).forEach((key, list) -> list.forEach(a -> outputs.append("<a href=\"/artifacts/")
          .append(a.id()).append("\">").append(esc(key)).append(" (").append(esc(a.type())).append(" #")
          .append(a.id()).append(")</a> <code title=\"content fingerprint (sha-256)\">")
          .append(esc(RunsDiffCommand.shortFp(org.millrace.pipelines.launch.Artifacts.fingerprint(a))))
          .append("</code> ")));
      Value err = e.customProperties().get(Keys.ERROR);
      rows.append("<tr><td>").append(esc(node)).append("</td><td>").append(esc(e.type())).append("</td><td class=\"")
          .append(e.state()).append("\">").append(e.state()).append("</td><td>").append(duration(e)).append("</td><td>")
          .append(outputs).append(err == null ? "" : "<pre>" + esc(String.valueOf(err.raw())) + "</pre>")
          .append("</td></tr>");
    }
    PipelineSpec ps = spec == null ? null : PipelineSpec.fromJson(String.valueOf(spec.raw()));
    return (ps == null ? "" : "<p><a href=\"/pipelines/" + url(ps.name()) + "\">pipeline " + esc(ps.name())
        + "</a></p>" + pages.runGraph(runId, ps))
        + "<table><tr><th>node</th><th>component</th><th>state</th><th>duration</th><th>outputs / error</th></tr>"
        + rows + "</table>";
  }

  private String artifactPage(Artifact a) {
    var b = new StringBuilder("<table>");
    b.append(row("type", esc(a.type()))).append(row("state", esc(String.valueOf(a.state()))))
        .append(row("uri", esc(a.uri()))).append(row("created", esc(String.valueOf(a.createTime()))));
    for (Map<String, Value> props : List.of(a.properties(), a.customProperties())) {
      // Sorted: the store's maps iterate in an order that changes from one JVM to the next.
      new java.util.TreeMap<>(props).forEach((k, v) -> b.append(row(esc(k), esc(String.valueOf(v.raw())))));
    }
    b.append("</table>").append(pages.lineage(a.id(), null));
    List<String> reports = reports(a);
    if (!reports.isEmpty()) {
      b.append("<h2>reports</h2><ul>");
      for (String r : reports) {
        b.append("<li><a href=\"/files/").append(a.id()).append('/').append(url(r).replace("%2F", "/")).append("\">")
            .append(esc(r)).append("</a></li>");
      }
      b.append("</ul>");
    }
    List<Event> events = store.getEventsByArtifactIds(List.of(a.id()));
    b.append("<h2>written by</h2><ul>");
    for (Event e : events) {
      if (e.type() == EventType.OUTPUT) {
        b.append("<li>").append(execution(e.executionId())).append(" as '").append(esc(e.key())).append("'<ul>");
        for (Event in : store.getEventsByExecutionIds(List.of(e.executionId()))) {
          if (in.type() == EventType.INPUT) {
            b.append("<li>read '").append(esc(in.key())).append("': ").append(artifactLink(in.artifactId()))
                .append("</li>");
          }
        }
        b.append("</ul></li>");
      }
    }
    b.append("</ul><h2>read by</h2><ul>");
    for (Event e : events) {
      if (e.type() == EventType.INPUT) {
        b.append("<li>").append(execution(e.executionId())).append(" as '").append(esc(e.key())).append("'</li>");
      }
    }
    return b.append("</ul>").toString();
  }

  private String execution(long id) {
    Optional<Execution> e = store.getExecution(id);
    if (e.isEmpty()) {
      return "execution #" + id;
    }
    String run = StoreQueries.runIdOf(e.get());
    String node = StoreQueries.stringProp(e.get(), Keys.NODE);
    // Manual decisions (bless, rollback) belong to no node and no run.
    return esc(e.get().type()) + (node == null ? "" : " node '" + esc(node) + "'") + " (execution #" + id + ", "
        + e.get().state() + (run == null ? "" : ", run <a href=\"/runs/" + url(run) + "\">" + esc(run) + "</a>") + ")";
  }

  private String artifactLink(long id) {
    return store.getArtifact(id).map(x -> "<a href=\"/artifacts/" + x.id() + "\">" + esc(x.type()) + " #" + x.id()
        + "</a> (" + x.state() + ")").orElse("#" + id);
  }

  /** HTML files in the artifact's directory (two levels deep), relative to it. */
  private static List<String> reports(Artifact a) {
    Path dir = Path.of(a.uri());
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir, 2)) {
      return s.filter(f -> f.toString().endsWith(".html")).map(f -> dir.relativize(f).toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A file of an artifact, from inside its directory only. */
  private void file(HttpExchange ex, Artifact a, String rawRelative) throws IOException {
    Path dir = Path.of(a.uri()).toAbsolutePath().normalize();
    Path f = dir.resolve(decode(rawRelative)).normalize();
    if (!f.startsWith(dir) || !Files.isRegularFile(f) || !Files.isDirectory(dir)
        || !f.toRealPath().startsWith(dir.toRealPath())) {
      throw new NotFound("no file '" + decode(rawRelative) + "' in artifact #" + a.id());
    }
    String name = f.getFileName().toString();
    String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".json") ? "application/json"
        : name.endsWith(".svg") ? "image/svg+xml" : name.endsWith(".png") ? "image/png" : "text/plain; charset=utf-8";
    // A component's report is served as a document of its own: sandboxed, nothing loaded from elsewhere, no sniffing.
    Responses.browserHeaders(ex, FILE_POLICY);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(200, Files.size(f));
    try (OutputStream out = ex.getResponseBody()) {
      Files.copy(f, out);
    }
  }

  private Artifact artifact(String id) {
    return store.getArtifact(number(id, "artifact")).orElseThrow(() -> new NotFound("no artifact #" + id));
  }

  private static long number(String id, String what) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new NotFound(what + " id expected a number, got '" + id + "'");
    }
  }

  /** A query string's parameters (the first of each name), decoded. */
  static Map<String, String> query(String raw) {
    var out = new java.util.LinkedHashMap<String, String>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static String duration(Execution e) {
    Value a = e.customProperties().getOrDefault(Keys.STARTED_MS, e.properties().get(Keys.STARTED_MS));
    Value b = e.customProperties().getOrDefault(Keys.ENDED_MS, e.properties().get(Keys.ENDED_MS));
    if (a == null || b == null) {
      return "";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", (((Number) b.raw()).longValue()
        - ((Number) a.raw()).longValue()) / 1000.0);
  }

  private static String row(String k, String v) {
    return "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
  }

  private void page(HttpExchange ex, String title, String body) throws IOException {
    page(ex, 200, title, body);
  }

  private void page(HttpExchange ex, int status, String title, String body) throws IOException {
    String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title><style>"
        + "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        + "padding:4px 8px;text-align:left;vertical-align:top}.FAILED{color:#b00}.COMPLETE,.SUCCEEDED{color:#070}"
        + ".CACHED{color:#555}pre{white-space:pre-wrap;max-width:60em}.num{text-align:right;font-variant-numeric:tabular-nums}"
        + ".picture{overflow-x:auto;margin:1em 0}.key{border:1px solid;border-radius:4px;padding:1px 6px;font-size:90%}"
        + ".choose a,.choose b{margin-right:.8em}tr.changed td{background:#fff3cd}h2{font-size:1.2em}"
        + "table.runs td{white-space:nowrap}</style></head><body><h1>" + esc(title)
        + "</h1>" + body + "</body></html>";
    Responses.browserHeaders(ex, PAGE_POLICY);
    send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
    Responses.send(ex, status, type, bytes);
  }

  static String esc(String s) {
    return org.millrace.api.html.Html.escape(s);
  }

  private static String url(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
