package org.millrace.pipelines.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.millrace.pipelines.run.NodeResult;
import org.millrace.pipelines.run.RunResult;

/** The table printed at the end of a run. */
final class Summaries {
  private Summaries() {}

  static int print(PrintWriter out, RunResult r) {
    var t = new Table("node", "component", "state", "duration", "outputs / error");
    for (NodeResult n : r.nodes()) {
      String detail = n.error() != null ? n.error().lines().findFirst().orElse("")
          : String.join(" ", n.outputUris().values().stream().flatMap(List::stream).map(Summaries::shown).toList());
      t.row(n.node(), n.component(), n.state(), n.durationMillis() > 0 ? seconds(n.durationMillis()) : "", detail);
    }
    out.println();
    out.print(t.render());
    for (NodeResult n : r.nodes()) {
      // Why a model was or was not blessed, check by check.
      for (String uri : n.outputUris().getOrDefault("blessing", List.of())) {
        out.println();
        out.println("blessing by node '" + n.node() + "':");
        out.print(org.millrace.evaluator.BlessingReport.render(java.nio.file.Path.of(uri)));
      }
    }
    out.println();
    out.println("run " + r.runId() + ": " + (r.succeeded() ? "SUCCEEDED" : "FAILED") + " in "
        + seconds(r.durationMillis()));
    List<String> misconfigured = r.nodes().stream().filter(NodeResult::misconfigured).map(NodeResult::node).toList();
    if (!misconfigured.isEmpty()) {
      // A resume reruns the run's parameters as they were: it would fail the same way.
      out.println("  the parameters of " + (misconfigured.size() == 1 ? "node '" + misconfigured.get(0) + "'"
          : "nodes " + misconfigured) + " are wrong (the error above): correct the pipeline file and run it again"
          + " (a resume reruns the parameters as they were)");
    } else if (r.nodes().stream().anyMatch(n -> n.gate() && n.state().equals("FAILED"))) {
      // A resume reruns the check over the same data: it would fail the same way.
      String gates = String.join(", ", r.nodes().stream().filter(n -> n.gate() && n.state().equals("FAILED"))
          .map(n -> "'" + n.node() + "'").toList());
      out.println("  the data failed the checks of " + gates + " (above), and nothing after them ran: correct the"
          + " data (or the schema), or record anomalies without stopping (fail_on_anomalies: false), and run the"
          + " pipeline again");
    } else if (!r.succeeded() && r.nodes().stream().noneMatch(n -> n.state().equals("FAILED"))) {
      // Skipped for what lies outside the run (a gate not part of it): a resume would skip them again.
      out.println("  no node failed: nodes were skipped for what they wait for outside this run (above)");
    } else if (!r.succeeded()) {
      out.println("  resume with: millrace resume " + r.runId());
    }
    out.flush();
    return r.succeeded() ? MillraceCli.OK : MillraceCli.NODE_FAILED;
  }

  /** An output's path relative to the working directory when it lies below it (shorter lines), else as stored. */
  static String shown(String uri) {
    try {
      Path path = Path.of(uri);
      Path cwd = Path.of("").toAbsolutePath();
      return path.isAbsolute() && path.startsWith(cwd) ? cwd.relativize(path).toString() : uri;
    } catch (InvalidPathException e) {
      return uri;
    }
  }

  static String seconds(long ms) {
    return String.format("%.1fs", ms / 1000.0);
  }
}
