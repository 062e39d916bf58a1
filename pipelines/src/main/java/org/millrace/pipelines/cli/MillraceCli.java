package org.millrace.pipelines.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStoreException;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.compile.PipelineCompileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code millrace} command. */
@Command(name = "millrace", mixinStandardHelpOptions = true, versionProvider = MillraceCli.Version.class,
    // Every subcommand answers --help (and --version) too.
    scope = CommandLine.ScopeType.INHERIT,
    description = "Production machine-learning pipelines on the JVM.",
    subcommands = {RunCommand.class, ResumeCommand.class, RunsCommand.class, LineageCommand.class,
        ArtifactsCommand.class, ModelsCommand.class, ServeCommand.class, ScheduleCommand.class,
        BackfillCommand.class, RunNodeCommand.class, AirflowCommand.class, GcCommand.class, UiCommand.class})
public final class MillraceCli implements Callable<Integer> {
  static final int OK = 0;
  static final int NODE_FAILED = 1;
  static final int USAGE = 2;
  static final int INFRASTRUCTURE = 3;

  @Option(names = "--metadata", scope = CommandLine.ScopeType.INHERIT,
      description = "Metadata store: a JDBC URL (jdbc:sqlite:..., jdbc:postgresql://...) or a SQLite file."
          + " Default: $MILLRACE_METADATA_URL, else .millrace/metadata.db in the working directory.")
  String metadata;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return USAGE;
  }

  MetadataStore openStore() {
    String url = metadata != null ? metadata : System.getenv("MILLRACE_METADATA_URL");
    if (url == null || url.isBlank()) {
      return MetadataStores.sqlite(Path.of(".millrace", "metadata.db"));
    }
    if (!url.startsWith("jdbc:")) {
      return MetadataStores.sqlite(Path.of(url));
    }
    return MetadataStores.open(url, System.getenv("MILLRACE_METADATA_USER"), System.getenv("MILLRACE_METADATA_PASSWORD"));
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** The version of the build this class came from (written into the jar by Maven's resource filtering). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      var p = new java.util.Properties();
      try (var in = MillraceCli.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          throw new java.io.IOException("version.properties is missing from the classpath: a build without resources");
        }
        p.load(in);
      }
      return new String[] {"millrace " + p.getProperty("version"),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }

  public static CommandLine commandLine() {
    var cl = new CommandLine(new MillraceCli());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (e instanceof PipelineCompileException || e instanceof IllegalArgumentException) {
        err.println("error: " + e.getMessage());
        return USAGE;
      }
      if (e instanceof MetadataStoreException) {
        err.println("error: " + e.getMessage());
        return INFRASTRUCTURE;
      }
      err.println("error: " + e);
      e.printStackTrace(err);
      return INFRASTRUCTURE;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().usage(e.getCommandLine().getErr());
      return USAGE;
    });
    return cl;
  }

  /** A writer that flushes every write, so a long-running command's lines appear as they are printed. */
  static PrintWriter flushing(java.io.PrintStream stream) {
    return new PrintWriter(new java.io.OutputStreamWriter(stream, java.nio.charset.StandardCharsets.UTF_8), true) {
      @Override
      public void write(String s, int off, int len) {
        super.write(s, off, len);
        flush();
      }

      @Override
      public void write(char[] buf, int off, int len) {
        super.write(buf, off, len);
        flush();
      }
    };
  }

  public static void main(String[] args) {
    var cl = commandLine();
    // Autoflush writers, flushed again before the JVM exits: a table printed with print() must reach
    // the terminal or pipe even though System.exit runs no finalizer.
    cl.setOut(flushing(System.out));
    cl.setErr(flushing(System.err));
    int code;
    try {
      code = cl.execute(args);
    } finally {
      cl.getOut().flush();
      cl.getErr().flush();
    }
    System.exit(code);
  }
}
