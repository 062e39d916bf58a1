package org.millrace.pipelines.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStoreException;
import org.millrace.metadata.MetadataStores;
import org.millrace.metadata.NativeCache;
import org.millrace.pipelines.compile.PipelineCompileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code millrace} command. */
@Command(name = "millrace", mixinStandardHelpOptions = true, versionProvider = MillraceCli.JarVersion.class,
    description = "Production machine-learning pipelines on the JVM.")
public final class MillraceCli implements Callable<Integer> {
  /**
   * The subcommands by name, in the order the usage lists them. A command line is built with only
   * the one its arguments name ({@link #commandLine(String[])}): picocli builds a command's model by
   * reflection when it is added, about 0.3 s of a fresh JVM for all of them and their subcommands.
   */
  static final java.util.Map<String, Class<?>> COMMANDS = commands(RunCommand.class, ResumeCommand.class,
      RunsCommand.class, LineageCommand.class, ArtifactsCommand.class, ModelsCommand.class, ServeCommand.class,
      ScheduleCommand.class, BackfillCommand.class, RunNodeCommand.class, AirflowCommand.class, GcCommand.class,
      UiCommand.class, InitCommand.class);

  static final int OK = 0;
  static final int NODE_FAILED = 1;
  static final int USAGE = 2;
  static final int INFRASTRUCTURE = 3;

  @Option(names = "--metadata", scope = CommandLine.ScopeType.INHERIT,
      description = "Metadata store: a JDBC URL (jdbc:sqlite:..., jdbc:postgresql://...) or a SQLite file."
          + " Default: $MILLRACE_METADATA_URL, else .millrace/metadata.db in the working directory.")
  String metadata;

  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Show every log line on the console (by default: warnings, progress and node ends; the rest"
          + " goes to the run's log file).")
  boolean verbose;

  @Option(names = "--log-format", scope = CommandLine.ScopeType.INHERIT, paramLabel = "text|json",
      description = "Log lines as text (default) or JSON, on the console and in the log file.")
  String logFormat = "text";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The commands that run pipelines or serve, and so write a log file of their own. */
  static final java.util.Set<String> LOGGING_COMMANDS =
      java.util.Set.of("run", "resume", "backfill", "schedule", "serve", "run-node", "ui");

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

  /**
   * {@link #openStore()} for a command that only reads (runs, lineage, artifacts): a SQLite store that
   * does not exist is refused, not made. A mistyped {@code --metadata} path made an empty store there
   * and the command printed no runs, exit 0.
   */
  MetadataStore openExistingStore() {
    String url = metadata != null ? metadata : System.getenv("MILLRACE_METADATA_URL");
    String file = url == null || url.isBlank() ? null : !url.startsWith("jdbc:") ? url
        : url.startsWith("jdbc:sqlite:") ? url.substring("jdbc:sqlite:".length()) : null;
    if (url == null || url.isBlank()) {
      if (!java.nio.file.Files.exists(Path.of(".millrace", "metadata.db"))) {
        throw new IllegalArgumentException("no metadata store in " + Path.of("").toAbsolutePath() + " (.millrace/"
            + "metadata.db): expected the directory pipelines ran in, or --metadata naming a store");
      }
    } else if (file != null && !file.isEmpty() && !file.equals(":memory:") && !file.startsWith("file:")
        && !java.nio.file.Files.exists(Path.of(file.contains("?") ? file.substring(0, file.indexOf('?')) : file))) {
      throw new IllegalArgumentException((metadata != null ? "--metadata" : "MILLRACE_METADATA_URL")
          + " expected an existing metadata store, got " + url + ": no such file");
    }
    return openStore();
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

  /**
   * Where log files go: a {@code logs} folder beside the SQLite metadata store, else (PostgreSQL)
   * {@code .millrace/logs} in the working directory.
   */
  Path logsDir() {
    String url = metadata != null ? metadata : System.getenv("MILLRACE_METADATA_URL");
    String file = url == null || url.isBlank() ? ".millrace/metadata.db"
        : !url.startsWith("jdbc:") ? url
        : url.startsWith("jdbc:sqlite:") ? url.substring("jdbc:sqlite:".length()) : null;
    if (file == null) {
      return Path.of(".millrace", "logs");
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    return parent == null ? Path.of("logs") : parent.resolve("logs");
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private static java.util.Map<String, Class<?>> commands(Class<?>... classes) {
    var byName = new java.util.LinkedHashMap<String, Class<?>>();
    for (Class<?> c : classes) {
      byName.put(c.getAnnotation(Command.class).name(), c);
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  /**
   * The command line with every subcommand and its handlers: stdout and stderr that reach the
   * process at every write, {@code --help} and {@code --version} on every subcommand, exit codes
   * for errors.
   */
  public static CommandLine commandLine() {
    return commandLine(COMMANDS.keySet());
  }

  /**
   * The command line for {@code args}: with only the subcommand they name when they name one
   * (the same parse and behaviour, without building the others), none for the version alone,
   * else all of them (the usage, an unknown command's error).
   */
  public static CommandLine commandLine(String[] args) {
    String name = commandName(args);
    if (name != null) {
      return commandLine(COMMANDS.containsKey(name) ? java.util.Set.of(name) : COMMANDS.keySet());
    }
    var options = java.util.Set.of(args);
    boolean version = options.contains("--version") || options.contains("-V");
    boolean help = options.contains("--help") || options.contains("-h");
    return commandLine(version && !help ? java.util.Set.of() : COMMANDS.keySet());
  }

  /**
   * The first argument that is not an option of the top-level command (nor the value of one), or
   * null: the subcommand's name when the arguments name one.
   */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--metadata") || a.equals("--log-format")) {
        i++; // its value
      } else if (a.equals("--")) {
        return null;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  private static CommandLine commandLine(java.util.Collection<String> names) {
    var cl = new CommandLine(new MillraceCli());
    for (String name : names) {
      cl.addSubcommand(name, COMMANDS.get(name));
    }
    Charset charset = Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()));
    cl.setOut(Console.flushing(System.out, charset));
    cl.setErr(Console.flushing(System.err, charset));
    standardHelpOptions(cl);
    cl.setExecutionStrategy(parsed -> {
      // Logging is set up from the parsed options before the command logs anything.
      var top = (MillraceCli) cl.getCommand();
      if (!top.logFormat.equals("text") && !top.logFormat.equals("json")) {
        throw new CommandLine.ParameterException(cl, "--log-format expected text or json, got '" + top.logFormat + "'");
      }
      List<CommandLine> commands = parsed.asCommandLineList();
      String name = commands.get(commands.size() - 1).getCommandName();
      boolean ownFile = commands.size() > 1 && LOGGING_COMMANDS.contains(name);
      Logging.configure(top.verbose, top.logFormat.equals("json"), ownFile ? Logging.fileFor(top.logsDir(), name) : null);
      // After logging is set up: before it, Logback's default configuration prints DEBUG lines on stdout.
      snappyFromCache();
      if (ownFile && !name.equals("serve") && !name.equals("ui")) {
        aparapiFromCache(); // the commands that may train
      }
      // The run names its log file last, unless it was a usage error (nothing ran worth reading).
      boolean usage = true;
      try {
        int code = new CommandLine.RunLast().execute(parsed);
        usage = code == USAGE;
        return code;
      } catch (CommandLine.ExecutionException e) {
        usage = e.getCause() instanceof PipelineCompileException || e.getCause() instanceof IllegalArgumentException;
        throw e;
      } finally {
        String written = Logging.writtenFile();
        if (written != null && !usage) {
          cl.getErr().println("log: " + written);
        }
      }
    });
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
      if (e instanceof java.net.BindException) {
        // A server's port taken (serve, ui): the environment's state, said in the exception's one
        // line (HttpService names the address), as an unreachable metadata store is.
        err.println("error: " + e.getMessage());
        return INFRASTRUCTURE;
      }
      err.println("error: " + e);
      e.printStackTrace(err);
      return INFRASTRUCTURE;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      // The error and where the usage is, not fifty lines of usage below a one-line mistake.
      CommandLine at = e.getCommandLine();
      at.getErr().println("error: " + e.getMessage());
      if (e instanceof CommandLine.UnmatchedArgumentException u) {
        CommandLine.UnmatchedArgumentException.printSuggestions(u, at.getErr());
      }
      at.getErr().println("see: " + at.getCommandSpec().qualifiedName() + " --help");
      return USAGE;
    });
    return cl;
  }

  /**
   * snappy-java (Parquet's and Spark's codec) loads its native library from millrace's cache
   * ({@link NativeCache}): left to itself it copies it into {@code java.io.tmpdir} in every process that
   * compresses, and a killed process leaves the copy there.
   */
  static void snappyFromCache() {
    try {
      String name = System.mapLibraryName("snappyjava");
      NativeCache.prepare(org.xerial.snappy.Snappy.class, "/org/xerial/snappy/native/"
          + org.xerial.snappy.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name,
          "snappy-" + org.xerial.snappy.SnappyLoader.getVersion() + "-" + name, "org.xerial.snappy.lib.path",
          "org.xerial.snappy.lib.name");
    } catch (RuntimeException | LinkageError e) {
      // snappy-java extracts its own, as it always did
    }
  }

  /**
   * Aparapi's native library, loaded from millrace's cache by the Trainer ({@code AparapiNatives}):
   * left to itself every JVM that looks for an OpenCL device copies it (2.8 MB) into a new
   * {@code /tmp/Aparapi*} directory, which a killed process leaves behind.
   */
  static void aparapiFromCache() {
    try {
      String resource = org.millrace.trainer.backend.opencl.AparapiNatives.resource();
      Path lib = resource == null ? null : NativeCache.library(com.aparapi.natives.NativeLoader.class, resource,
          "libaparapi.so");
      if (lib != null) {
        System.setProperty(org.millrace.trainer.backend.opencl.AparapiNatives.LIBRARY_PROPERTY, lib.toString());
      }
    } catch (RuntimeException | LinkageError e) {
      // Aparapi extracts its own, as it always did
    }
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
    CommandLine cl = commandLine(args);
    int code;
    try {
      code = cl.execute(args);
    } finally {
      cl.getOut().flush();
      cl.getErr().flush();
    }
    if (code == OK) {
      ClassDataDump.keep();
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
