package org.millrace.pipelines.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until a millrace command sets up its own ({@link Logging#configure}), and
 * when the cli jar is used as a library (in-process tests, the benchmarks' harness): INFO and above
 * to stderr, no DEBUG flood. Set in code (Logback finds it through {@code META-INF/services}) rather
 * than in a {@code logback.xml}: reading XML loads an XML parser and Logback's configuration model,
 * some 500 classes ({@code millrace --version} loaded 2,721 classes before, 2,227 after) and about
 * 0.1 s of every command's start. A file named by {@code -Dlogback.configurationFile} still
 * configures Logback instead.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("[%thread] %level %logger - %msg%n");
    encoder.start();
    var console = new ConsoleAppender<ILoggingEvent>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
