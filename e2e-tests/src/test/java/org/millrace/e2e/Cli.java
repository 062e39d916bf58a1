package org.millrace.e2e;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.millrace.pipelines.cli.MillraceCli;

/** Runs the millrace CLI in-process against a private metadata store, as a user would from a shell. */
final class Cli {
  record Result(int code, String out, String err) {
    String runId() {
      return out.lines().filter(l -> l.startsWith("run ")).findFirst().orElseThrow(
          () -> new AssertionError("no run line in:\n" + out + err)).split(" ")[1].replace(":", "");
    }
  }

  private final Path metadata;

  Cli(Path dir) {
    this.metadata = dir.resolve("metadata.db");
  }

  Result run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = MillraceCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    var all = new ArrayList<>(List.of(args));
    all.add("--metadata=" + metadata);
    int code = cl.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  /** A copy of an example pipeline whose outputs go under {@code dir} instead of the repository. */
  static Path relocate(Path example, Path dir) throws Exception {
    String yaml = Files.readString(example).replaceAll("(?m)^pipeline_root: .*$", "pipeline_root: " + dir.resolve("root"))
        .replace("base_dir: .millrace/registry", "base_dir: " + dir.resolve("registry"));
    return Files.writeString(dir.resolve(example.getFileName()), yaml);
  }
}
