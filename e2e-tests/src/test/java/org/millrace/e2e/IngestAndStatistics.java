package org.millrace.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.ingest.ExampleGenExecutor;
import org.millrace.ingest.ExampleGenParams;
import org.millrace.validate.component.StatisticsGenExecutor;

/**
 * ExampleGen (and, with {@code --statistics}, StatisticsGen) on one CSV file, as a program of its
 * own so that a test or a benchmark can run it in a JVM of its own heap size. Prints
 * {@code rows_read=N} and each split's row count.
 * Usage: {@code IngestAndStatistics <csv> <work dir> [--statistics] [beam args...]}
 */
public final class IngestAndStatistics {
  private IngestAndStatistics() {}

  public static void main(String[] args) throws Exception {
    double toMain = jvmToMain();
    long start = System.nanoTime();
    Path csv = Path.of(args[0]);
    Path work = Path.of(args[1]);
    boolean statistics = args.length > 2 && args[2].equals("--statistics");
    List<String> beamArgs = List.of(args).subList(statistics ? 3 : 2, args.length);
    // As in a pipeline run: with a StatisticsGen to read the examples next, ExampleGen computes their statistics.
    var ctx = ExecutionContext.standalone("ingest", work, beamArgs,
        statistics ? Map.of("examples", java.util.Set.of("StatisticsGen")) : Map.of());
    Path examplesDir = work.resolve("examples");
    var params = ParameterBinder.bind(ExampleGenParams.class, Map.of("input", csv.toString()));
    var result = new ExampleGenExecutor().execute(
        new ExecutorInput<>(Map.<String, List<Artifact>>of(), Map.of("examples", examplesDir), params), ctx);
    Map<String, Object> props = result.properties(org.millrace.ingest.ExampleGenComponent.EXAMPLES);
    long ingested = System.nanoTime();
    System.out.println("rows_read=" + props.get("rows_read"));
    for (var e : props.entrySet()) {
      if (e.getKey().startsWith("row_count_")) {
        System.out.println(e.getKey() + "=" + e.getValue());
      }
    }
    System.out.printf("seconds: jvm_to_main=%.2f example_gen=%.2f%n", toMain, (ingested - start) / 1e9);
    if (!statistics) {
      return;
    }
    var examples = new Examples(examplesDir.toString(), new java.util.HashMap<>(props));
    new StatisticsGenExecutor().execute(new ExecutorInput<>(Map.of("examples", List.<Artifact>of(examples)),
        Map.of("statistics", work.resolve("statistics")), new StatisticsGenExecutor.Params()), ctx);
    System.out.println("statistics=" + work.resolve("statistics"));
    System.out.printf("seconds: statistics_gen=%.2f%n", (System.nanoTime() - ingested) / 1e9);
  }

  /** Seconds from the JVM's start to {@code main}: the launcher's and the class path's share. */
  private static double jvmToMain() {
    return (System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime())
        / 1e3;
  }
}
