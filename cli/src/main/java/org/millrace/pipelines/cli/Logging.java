package org.millrace.pipelines.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The application's logging: a quiet console and a log file per run.
 *
 * <p>By default the console (stderr) shows warnings and errors, the progress lines of long steps
 * ({@code millrace.progress}) and one line per node as it ends; everything else a run logs at
 * INFO and above (the libraries' lines, every epoch) goes to the run's log file,
 * {@code logs/<command>-<time>-<pid>.log} beside the SQLite metadata store (by default
 * {@code .millrace/logs}), whose path the command prints when it ends. A console line is one line:
 * an exception logged with it is said by its innermost cause, its stack trace is in the file.
 * {@code -v} shows all of it on the console too, with the traces; {@code --log-format json} writes JSON lines
 * (Logback's JsonEncoder) to the file and the console. java.util.logging (Aparapi's) goes the same
 * way. Library users of millrace bring their own SLF4J backend: only this module names Logback.
 */
final class Logging {
  private static Path file;

  private Logging() {}

  /** The log file of this process, once {@link #configure} chose one; null when it has none. */
  static Path file() {
    return file;
  }

  /**
   * Sets up the console and, when {@code logFile} is not null, the log file (created at the first
   * line logged, so a command that logs nothing leaves none).
   */
  static void configure(boolean verbose, boolean json, Path logFile) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);

    var console = new ConsoleAppender<ILoggingEvent>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    if (verbose || json) {
      console.setEncoder(encoder(context, json, verbose ? "[%thread] %level %logger - %msg%n" : "%msg%n"));
    } else {
      var oneLine = new ch.qos.logback.core.encoder.LayoutWrappingEncoder<ILoggingEvent>();
      oneLine.setContext(context);
      var layout = new OneLine();
      layout.setContext(context);
      layout.start();
      oneLine.setLayout(layout);
      oneLine.start();
      console.setEncoder(oneLine);
    }
    if (!verbose) {
      Filter<ILoggingEvent> quiet = new QuietConsole();
      quiet.setContext(context);
      quiet.start();
      console.addFilter(quiet);
    }
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);

    file = logFile;
    if (logFile != null) {
      var appender = new LazyFile(logFile, encoder(context, json,
          "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} [%thread] %level %logger - %msg%n"));
      appender.setContext(context);
      appender.setName("file");
      appender.start();
      root.addAppender(appender);
    }
  }

  /** The log file of a command that runs pipelines: {@code <dir>/<command>-<time>-<pid>.log}. */
  static Path fileFor(Path dir, String command) {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    return dir.resolve(command + "-" + time + "-" + ProcessHandle.current().pid() + ".log");
  }

  /** The path of the log file when anything was written to it, for the command's last line. */
  static String writtenFile() {
    return file != null && Files.exists(file) ? file.toString() : null;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json, String pattern) {
    if (json) {
      var encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.setWithSequenceNumber(false);
      encoder.setWithContext(false);
      encoder.setWithMDC(false);
      encoder.setWithArguments(false);
      encoder.start();
      return encoder;
    }
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }

  /**
   * The quiet console's line: the message and, when an exception came with it, its innermost cause
   * on the same line ("Failed to connect to master 127.0.0.1:7 (java.net.ConnectException:
   * Connection refused)"). The stack traces go to the log file, which the command names when it
   * ends: a Spark master that could not be reached put 90 lines of them on the console.
   */
  static final class OneLine extends ch.qos.logback.core.LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent e) {
      var line = new StringBuilder(e.getFormattedMessage());
      ch.qos.logback.classic.spi.IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        while (t.getCause() != null && t.getCause() != t) {
          t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        line.append(" (").append(t.getClassName()).append(message.isEmpty() ? "" : ": " + message).append(')');
      }
      return line.append(ch.qos.logback.core.CoreConstants.LINE_SEPARATOR).toString();
    }
  }

  /** A file appender that opens its file at the first line, so a command that logs nothing leaves no file. */
  static final class LazyFile extends ch.qos.logback.core.AppenderBase<ILoggingEvent> {
    private final Path path;
    private final Encoder<ILoggingEvent> encoder;
    private FileAppender<ILoggingEvent> file;

    LazyFile(Path path, Encoder<ILoggingEvent> encoder) {
      this.path = path;
      this.encoder = encoder;
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (file == null) {
        file = new FileAppender<>();
        file.setContext(getContext());
        file.setName("file:" + path);
        file.setFile(path.toString());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
      }
      file.doAppend(e);
    }

    @Override
    public void stop() {
      if (file != null) {
        file.stop();
      }
      super.stop();
    }
  }

  /**
   * What the console shows without {@code -v}: notices (choices made for the user, rows dropped: the
   * logger {@code millrace.notice}), warnings and errors (Aparapi's only from errors up:
   * its warnings about untested platforms are noise, and a failed launch reaches the user as the
   * trainer's error), progress lines, and each node's end ("node X COMPLETE", not "starting").
   */
  static final class QuietConsole extends Filter<ILoggingEvent> {
    static final String RUNNER = "org.millrace.pipelines.run.LocalRunner";

    @Override
    public FilterReply decide(ILoggingEvent e) {
      String logger = e.getLoggerName();
      if (logger.startsWith("com.aparapi")) {
        return e.getLevel().isGreaterOrEqual(Level.ERROR) ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
      if (e.getLevel().isGreaterOrEqual(Level.WARN) || logger.equals("millrace.progress")
          || logger.equals(org.millrace.api.spec.ExecutionContext.NOTICE)) {
        return FilterReply.NEUTRAL;
      }
      if (logger.equals(RUNNER) && !e.getFormattedMessage().endsWith(" starting")) {
        return FilterReply.NEUTRAL;
      }
      return FilterReply.DENY;
    }
  }
}
