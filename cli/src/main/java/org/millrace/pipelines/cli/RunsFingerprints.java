package org.millrace.pipelines.cli;

import java.io.PrintWriter;
import java.util.List;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreQueries;

/** The content fingerprint of every output artifact of a run, as {@code runs show} prints them. */
final class RunsFingerprints {
  private RunsFingerprints() {}

  static void print(StoreQueries q, List<Execution> execs, PrintWriter out) {
    var t = new Table("artifact", "fingerprint (sha-256 of the content)");
    for (Execution e : execs) {
      if (e.state() == ExecutionState.FAILED) {
        continue;
      }
      String node = StoreQueries.stringProp(e, Keys.NODE);
      // Every output, the records of how the run went too (the trainer's model_run: its timings differ between
      // equal runs, so runs diff leaves them out), marked so.
      RunsDiffCommand.fingerprints(q, e, true).forEach((output, fp) -> t.row(node + "." + output,
          fp.isEmpty() ? "-" : fp));
    }
    out.println("fingerprints:");
    out.print(t.render());
  }
}
