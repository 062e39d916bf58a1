package org.millrace.pipelines.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the millrace command line in this JVM through the same entry point as ./millrace, capturing what it prints. */
final class InProcess {
  private InProcess() {}

  /** A finished command: exit code, stdout, stderr. */
  record Out(int code, String out, String err) {}

  /** The command as given, on the command line main builds for it (only the subcommand named). */
  static Out run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = MillraceCli.commandLine(args);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  /** The command against the metadata store {@code metadata} (appended as {@code --metadata=...}). */
  static Out run(Path metadata, String... args) {
    var all = new ArrayList<>(List.of(args));
    all.add("--metadata=" + metadata);
    return run(all.toArray(String[]::new));
  }
}
