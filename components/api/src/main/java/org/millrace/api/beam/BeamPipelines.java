package org.millrace.api.beam;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Creates Beam pipelines from a pipeline's {@code beam_pipeline_args}. With no {@code --runner}
 * the embedded default runner is used; the DirectRunner's per-element immutability and
 * encodability checks are switched off outside tests because they dominate its cost.
 */
public final class BeamPipelines {
  /** The runner used when the pipeline names none. */
  public static final List<String> EMBEDDED_DEFAULT = List.of("--runner=DirectRunner");

  private BeamPipelines() {}

  /** Options from arguments such as {@code --runner=SparkRunner --sparkMaster=local[*]}. */
  public static PipelineOptions options(List<String> beamArgs) {
    var args = new ArrayList<String>();
    boolean hasRunner = beamArgs.stream().anyMatch(a -> a.startsWith("--runner="));
    if (!hasRunner) {
      args.addAll(EMBEDDED_DEFAULT);
    }
    args.addAll(beamArgs);
    boolean direct = args.stream().anyMatch(a -> a.equals("--runner=DirectRunner") || a.equals("--runner=direct"));
    if (direct) {
      addDefault(args, "--enforceImmutability=false");
      addDefault(args, "--enforceEncodability=false");
    }
    if (standaloneSpark(args) && args.stream().noneMatch(a -> a.startsWith("--filesToStage="))) {
      // A standalone cluster's workers run millrace's own jars (docs/spark-cluster.md): Beam's default,
      // the driver's whole class path staged to every executor of every stage, copied 316 MB into the
      // workers' work directories per executor (3.8 GB per penguins run on two workers, never deleted).
      addDefault(args, "--pipelineResourcesDetectorFactoryClass=" + WorkersHaveTheJars.class.getName());
    }
    // Beam registers no registrar for these (the detector of files to stage): the flag is ours to take.
    PipelineOptionsFactory.register(org.apache.beam.sdk.util.construction.resources.PipelineResourcesOptions.class);
    try {
      return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().create();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "beam_pipeline_args expected valid Beam pipeline options, got " + beamArgs + ": " + e.getMessage(), e);
    }
  }

  /** A new pipeline with {@link #options(List)}. */
  public static Pipeline create(List<String> beamArgs) {
    return Pipeline.create(options(beamArgs));
  }

  /** Runs a pipeline to completion, failing with the pipeline's error; returns the result for metrics. */
  public static org.apache.beam.sdk.PipelineResult run(Pipeline pipeline) {
    // Beam's SparkRunner makes its SparkConf from this JVM's spark.* properties: executors on a
    // cluster need millrace's JVM options (the Vector API module for model code, the add-opens).
    boolean spark = pipeline.getOptions().getRunner().getSimpleName().equals("SparkRunner");
    org.apache.beam.sdk.PipelineResult result;
    org.apache.beam.sdk.PipelineResult.State state;
    try {
      result = spark ? SparkJavaOptions.withExecutorSystemProperty(pipeline::run) : pipeline.run();
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      if (spark && stoppedContext(e)) {
        throw new IllegalStateException("the Spark application of this Beam stage was stopped under it: the Spark"
            + " master (--sparkMaster in beam_pipeline_args) could not be reached, or it removed the application because"
            + " its executors failed (see the log above and the workers' logs; docs/spark-cluster.md)", e);
      }
      throw e;
    }
    if (state != org.apache.beam.sdk.PipelineResult.State.DONE) {
      throw new IllegalStateException("Beam pipeline expected state DONE, got " + state);
    }
    return result;
  }

  /**
   * Whether a failure is Spark's for a context stopped under the job ("Cannot call methods on a stopped
   * SparkContext", "SparkContext has been shutdown", "SparkContext was shut down"), which names neither
   * the master that could not be reached nor the executors that failed.
   */
  static boolean stoppedContext(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("stopped SparkContext") || m.contains("SparkContext has been shutdown")
          || m.contains("SparkContext was shut down")) {
        return true;
      }
    }
    return false;
  }

  /** The attempted value of a counter (the committed value is not supported by every runner). */
  public static long counter(org.apache.beam.sdk.PipelineResult result, String namespace, String name) {
    var query = org.apache.beam.sdk.metrics.MetricsFilter.builder()
        .addNameFilter(org.apache.beam.sdk.metrics.MetricNameFilter.named(namespace, name)).build();
    long total = 0;
    for (var c : result.metrics().queryMetrics(query).getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  /**
   * The caller's own error inside a failed Beam run: the first {@link IllegalArgumentException}
   * or {@link IllegalStateException} in the cause chain, else the exception itself.
   */
  public static RuntimeException unwrap(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
        return (RuntimeException) t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return e;
  }

  /** Whether the arguments name Beam's Spark runner on a standalone master ({@code spark://}). */
  static boolean standaloneSpark(List<String> args) {
    // SparkRunner, spark, or the class's full name.
    boolean spark = args.stream().anyMatch(a -> a.startsWith("--runner=") && a.substring(a.lastIndexOf('.') + 1)
        .replaceFirst("^--runner=", "").toLowerCase(java.util.Locale.ROOT).replaceFirst("runner$", "").equals("spark"));
    return spark && args.stream().anyMatch(a -> a.startsWith("--sparkMaster=spark://"));
  }

  /**
   * Stages no files to a standalone cluster's executors, whose workers have millrace's jars on
   * their class path already. A cluster whose workers lack them takes {@code --filesToStage=<jars>}
   * in {@code beam_pipeline_args} (or Beam's own detector, {@code
   * --pipelineResourcesDetectorFactoryClass=org.apache.beam.sdk.util.construction.resources.PipelineResourcesOptions$ClasspathScanningResourcesDetectorFactory}).
   */
  public static final class WorkersHaveTheJars
      implements org.apache.beam.sdk.util.construction.resources.PipelineResourcesDetector.Factory {
    /** Beam finds a detector factory by this method. */
    public static WorkersHaveTheJars create() {
      return new WorkersHaveTheJars();
    }

    @Override
    public org.apache.beam.sdk.util.construction.resources.PipelineResourcesDetector getPipelineResourcesDetector() {
      return loader -> List.of();
    }
  }

  private static void addDefault(List<String> args, String flag) {
    String key = flag.substring(0, flag.indexOf('=') + 1);
    if (args.stream().noneMatch(a -> a.startsWith(key))) {
      args.add(flag);
    }
  }
}
