package org.millrace.pipelines.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStoreException;
import org.millrace.metadata.MetadataStores;
import org.millrace.pipelines.compile.PipelineCompileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code millrace} command. */
@Command(name = "millrace", mixinStandardHelpOptions = true, versionProvider = MillraceCli.JarVersion.class,
    description = "Production machine-learning pipelines on the JVM.",
    subcommands = {RunCommand.class, ResumeCommand.class, RunsCommand.class, LineageCommand.class,
        ArtifactsCommand.class, ModelsCommand.class, ServeCommand.class, ScheduleCommand.class,
        BackfillCommand.class, RunNodeCommand.class, AirflowCommand.class, GcCommand.class, UiCommand.class,
        InitCommand.class})
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
    MetadataStore store = openStoreOnly();
    // An execution left RUNNING by a process that is gone (kill -9, a crash) ends as FAILED here.
    org.millrace.pipelines.launch.Liveness.reconcile(store);
    return store;
  }

  private MetadataStore openStoreOnly() {
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

  /**
   * The command line with its handlers: stdout and stderr that reach the process at every write,
   * {@code --help} and {@code --version} on every subcommand, exit codes for errors.
   */
  public static CommandLine commandLine() {
    var cl = new CommandLine(new MillraceCli());
    Charset charset = Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()));
    cl.setOut(Console.flushing(System.out, charset));
    cl.setErr(Console.flushing(System.err, charset));
    standardHelpOptions(cl);
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

  private static void standardHelpOptions(CommandLine cl) {
    cl.getSubcommands().values().forEach(sub -> {
      if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      standardHelpOptions(sub);
    });
  }

  public static void main(String[] args) {
    CommandLine cl = commandLine();
    int code;
    try {
      code = cl.execute(args);
    } finally {
      cl.getOut().flush();
      cl.getErr().flush();
    }
    System.exit(code);
  }

  /**
   * The version of the millrace jar this runs from: the manifest's Implementation-Version, else the
   * version Maven recorded in the jar's {@code pom.properties}.
   */
  static final class JarVersion implements CommandLine.IVersionProvider {
    static final String POM_PROPERTIES = "/META-INF/maven/org.millrace/millrace-pipelines/pom.properties";

    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"millrace " + version()};
    }

    static String version() throws IOException {
      String v = MillraceCli.class.getPackage().getImplementationVersion();
      if (v != null) {
        return v;
      }
      try (InputStream in = MillraceCli.class.getResourceAsStream(POM_PROPERTIES)) {
        if (in != null) {
          var props = new Properties();
          props.load(in);
          if (props.getProperty("version") != null) {
            return props.getProperty("version");
          }
        }
      }
      return "(unknown: not run from the packaged jar, which records the version in " + POM_PROPERTIES + ")";
    }
  }
}
