package org.millrace.api.beam;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options millrace's code needs in every Spark JVM on JDK 17, executors included: the
 * Vector API module (the Java backend and netlib), Spark's own {@code --add-opens} list (Spark,
 * Arrow's memory) and the JIT directive that compiles the Java backend's package early (ADR 0014),
 * as an executor trains too. The Spark standalone worker starts executors with only what
 * {@code spark.executor.extraJavaOptions} says, so whoever creates a SparkContext for millrace
 * appends these to it with {@link #append}.
 */
public final class SparkJavaOptions {
  /** Every option, in the order the {@code millrace} launcher passes them. */
  public static final List<String> REQUIRED = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-XX:CompileCommand=quiet",
      "-XX:CompileCommand=CompileThresholdScaling,org.millrace.trainer.backend.*::*,0.01",
      "--add-modules=jdk.incubator.vector");

  /** The executors' JVM options key of Spark. */
  public static final String EXECUTOR_KEY = "spark.executor.extraJavaOptions";

  /** The driver's JVM options key of Spark (read only when Spark starts the driver's JVM). */
  public static final String DRIVER_KEY = "spark.driver.extraJavaOptions";

  private SparkJavaOptions() {}

  /**
   * {@code user}'s options (null or blank for none), unchanged and first, followed by each of
   * {@link #REQUIRED} that they do not already contain.
   */
  public static String append(String user) {
    String mine = user == null ? "" : user.strip();
    var have = List.of(mine.isEmpty() ? new String[0] : mine.split("\\s+"));
    var out = new ArrayList<String>();
    if (!mine.isEmpty()) {
      out.add(mine);
    }
    for (String o : REQUIRED) {
      if (!have.contains(o)) {
        out.add(o);
      }
    }
    return String.join(" ", out);
  }

  /**
   * Runs {@code start} (which creates a SparkContext from this JVM's system properties, as Beam's
   * SparkRunner does) with {@link #REQUIRED} appended to the {@code spark.executor.extraJavaOptions}
   * system property, and puts the property back as it was afterwards.
   */
  public static synchronized <T> T withExecutorSystemProperty(java.util.function.Supplier<T> start) {
    String before = System.getProperty(EXECUTOR_KEY);
    System.setProperty(EXECUTOR_KEY, append(before));
    try {
      return start.get();
    } finally {
      if (before == null) {
        System.clearProperty(EXECUTOR_KEY);
      } else {
        System.setProperty(EXECUTOR_KEY, before);
      }
    }
  }
}
