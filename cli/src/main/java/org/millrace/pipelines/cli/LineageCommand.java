package org.millrace.pipelines.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.Event;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.LineageGraph;
import org.millrace.metadata.LineageQuery;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreQueries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace lineage <artifact-id|uri>}: the graph that made an artifact, as an indented tree. */
@Command(name = "lineage", description = "Print where an artifact came from (or, with --downstream, what used it).")
final class LineageCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "ARTIFACT", description = "An artifact id or uri, a registry version"
      + " directory (.millrace/registry/<model>/<version>), or a fingerprint: an artifact's content fingerprint (runs"
      + " show) or the registry's fingerprint of a version's files (registry.json, the server's metadata).")
  String artifact;

  @Option(names = "--hops", defaultValue = "20", converter = Ranges.PositiveCount.class, description = "Artifact-execution edges to follow (default 20).")
  int hops;

  @Option(names = "--downstream", description = "Follow consumers instead of producers.")
  boolean downstream;

  @Option(names = "--parameters", description = "Under each execution, the parameters it ran with (as its cache"
      + " key recorded them, every default filled in).")
  boolean parameters;

  @Override
  public Integer call() {
    try (MetadataStore store = cli.openExistingStore()) {
      Artifact start = find(store, artifact);
      var dir = downstream ? LineageQuery.Direction.DOWNSTREAM : LineageQuery.Direction.UPSTREAM;
      LineageGraph g = store.lineage(LineageQuery.fromArtifact(start.id(), dir, hops));
      print(cli.out(), g, start, 0, new HashSet<>());
      return MillraceCli.OK;
    }
  }

  static Artifact find(MetadataStore store, String ref) {
    if (ref.matches("\\d{1,18}")) { // an id (a 64-digit string is a fingerprint, below)
      return store.getArtifact(Long.parseLong(ref)).orElseThrow(() -> new IllegalArgumentException(
          "artifact expected an existing id, got " + ref));
    }
    String uri = java.nio.file.Path.of(ref).toAbsolutePath().normalize().toString();
    List<Artifact> found = store.getArtifacts(ArtifactQuery.builder().uri(uri).newestFirst().limit(1).build());
    if (found.isEmpty()) {
      found = store.getArtifacts(ArtifactQuery.builder().uri(ref).newestFirst().limit(1).build());
    }
    if (found.isEmpty()) {
      // A registry version directory (.millrace/registry/penguins/1): the push that published it.
      found = store.getArtifacts(ArtifactQuery.builder().type("PushedModel").where(
          org.millrace.metadata.PropertyFilter.eq("pushed_destination", uri)).newestFirst().limit(1).build());
    }
    String hex = ref.startsWith("sha256:") ? ref.substring("sha256:".length()) : ref;
    if (found.isEmpty() && hex.matches("[0-9a-f]{64}")) {
      // A fingerprint: an artifact's content fingerprint (runs show), else the registry's fingerprint of a
      // version's files (models list, the server's metadata), which names the push that published them.
      found = store.getArtifacts(ArtifactQuery.builder().where(org.millrace.metadata.PropertyFilter.eq(
          org.millrace.pipelines.launch.Keys.FINGERPRINT, hex)).limit(1).build());
      if (found.isEmpty()) {
        found = store.getArtifacts(ArtifactQuery.builder().type("PushedModel").where(
            org.millrace.metadata.PropertyFilter.eq("registry_fingerprint", hex)).limit(1).build());
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("artifact expected an id, the uri of a stored artifact, a registry version"
          + " directory or a fingerprint, got '" + ref + "'");
    }
    return found.get(0);
  }

  private void print(PrintWriter out, LineageGraph g, Artifact a, int depth, Set<Long> seen) {
    String pad = "  ".repeat(depth * 2);
    // A collected artifact (gc) keeps its lineage; its files are gone, and the line says so.
    out.println(pad + a.type() + " #" + a.id() + " " + a.uri() + props(a)
        + (a.state() == org.millrace.metadata.ArtifactState.LIVE ? "" : " [" + a.state() + "]"));
    if (!seen.add(a.id())) {
      return;
    }
    EventType link = downstream ? EventType.INPUT : EventType.OUTPUT;
    // Cache hits share the artifacts of the execution they reused: one line per node for them, not their
    // inputs again (a daily schedule's lineage grew by a tree a run: 287 lines after some 25 runs).
    var hits = new java.util.LinkedHashMap<String, List<Execution>>();
    for (Event e : g.events()) {
      if (e.artifactId() != a.id() || e.type() != link) {
        continue;
      }
      Execution x = g.execution(e.executionId()).orElseThrow();
      // (Downstream, a cache hit's outputs may be a tree of their own: followed.)
      if (!downstream && x.state() == org.millrace.metadata.ExecutionState.CACHED) {
        String node = StoreQueries.stringProp(x, Keys.NODE);
        hits.computeIfAbsent(x.type() + (node == null ? "" : " node '" + node + "'") + "\t" + e.key(),
            k -> new java.util.ArrayList<>()).add(x);
        continue;
      }
      String node = StoreQueries.stringProp(x, Keys.NODE);
      // A pipeline's node names its run; a decision by hand (ManualRollback, ManualBlessing) its user and reason.
      String code = StoreQueries.stringProp(x, org.millrace.pipelines.launch.CodeIdentity.VERSION);
      String by = node != null ? " node '" + node + "' execution #" + x.id() + " " + x.state() + " (run "
          + StoreQueries.runIdOf(x) + (code == null ? "" : ", millrace " + code) + ")"
          + (StoreQueries.stringProp(x, Keys.RESUMED_FROM) == null ? "" : ", continuing the checkpoints of execution #"
              + StoreQueries.stringProp(x, Keys.RESUMED_FROM))
          : " execution #" + x.id() + " " + x.state() + byHand(x);
      out.println(pad + "  " + (downstream ? "-> read as '" : "<- written as '") + e.key() + "' by " + x.type() + by);
      String ran = StoreQueries.stringProp(x, Keys.CACHE_PARAMETERS);
      if (parameters && ran != null) {
        out.println(pad + "    parameters: " + ran);
      }
      EventType next = downstream ? EventType.OUTPUT : EventType.INPUT;
      boolean any = false;
      for (Event e2 : g.events()) {
        if (e2.executionId() == x.id() && e2.type() == next) {
          any = true;
          g.artifact(e2.artifactId()).ifPresent(a2 -> print(out, g, a2, depth + 1, seen));
        }
      }
      if (!downstream && !any) {
        // A source node (ExampleGen): the lineage ends at the files it read, as its cache key recorded them.
        String read = sourceFiles(StoreQueries.stringProp(x, Keys.CACHE_DRIVER));
        if (read != null) {
          out.println(pad + "    " + read);
        }
      }
    }
    for (var h : hits.entrySet()) {
      List<Execution> xs = h.getValue();
      Execution latest = xs.stream().max(java.util.Comparator.comparingLong(Execution::id)).orElseThrow();
      String[] by = h.getKey().split("\t", 2);
      out.println(pad + "  " + (downstream ? "-> read as '" : "<- written as '") + by[1] + "' by " + by[0] + " in "
          + (xs.size() == 1 ? "1 cache hit" : xs.size() + " cache hits") + " (reusing an execution's outputs;"
          + " the latest #" + latest.id() + ", run " + StoreQueries.runIdOf(latest) + ")");
    }
  }

  /** " (by user: reason)" of a decision by hand, what of it was recorded; "" when neither was. */
  static String byHand(Execution x) {
    String user = StoreQueries.stringProp(x, "user");
    String reason = StoreQueries.stringProp(x, "reason");
    if (user == null && reason == null) {
      return "";
    }
    return " (" + (user == null ? "" : "by " + user) + (user != null && reason != null ? ": " : "")
        + (reason == null ? "" : reason) + ")";
  }

  private static final java.util.regex.Pattern FILE_LINE = java.util.regex.Pattern.compile("(.+) (\\d+) (\\d+)");

  /**
   * "read N files (spans=[0] versions=[0]): path (bytes, modified time), ..." from a source
   * execution's driver fingerprint (its first line the spans, then one "path size mtime" line a
   * file); null when it records no files.
   */
  static String sourceFiles(String driver) {
    // (FILE_LINE: "path size modified-millis", one line a file.)
    if (driver == null || driver.isBlank()) {
      return null;
    }
    var lines = driver.lines().toList();
    var files = new java.util.ArrayList<String>();
    for (String l : lines.subList(1, lines.size())) {
      var m = FILE_LINE.matcher(l);
      if (m.matches()) {
        files.add(m.group(1) + " (" + String.format(java.util.Locale.ROOT, "%,d", Long.parseLong(m.group(2)))
            + " bytes, modified " + java.time.Instant.ofEpochMilli(Long.parseLong(m.group(3))) + ")");
      }
    }
    if (files.isEmpty()) {
      return null;
    }
    String shown = String.join(", ", files.subList(0, Math.min(3, files.size())))
        + (files.size() > 3 ? ", ... " + (files.size() - 3) + " more" : "");
    return "read " + files.size() + (files.size() == 1 ? " file" : " files") + " (" + lines.get(0) + "): " + shown;
  }

  private static String props(Artifact a) {
    var shown = new StringBuilder();
    for (String k : List.of("span", "version", "blessed", "pushed_version")) {
      a.property(k).ifPresent(v -> shown.append(' ').append(k).append('=').append(v.raw()));
    }
    return shown.toString();
  }
}
