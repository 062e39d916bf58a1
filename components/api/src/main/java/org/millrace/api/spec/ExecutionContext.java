package org.millrace.api.spec;

import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;

/**
 * What the launcher gives an executor besides its inputs: identity for messages, a scratch
 * directory, the Beam pipeline arguments of the pipeline, a logger and progress reporting.
 */
public interface ExecutionContext {

  String pipelineName();

  String runId();

  /** The node id in the pipeline, e.g. {@code trainer}. */
  String nodeId();

  /** The metadata-store id of this execution, or -1 when run without a store (tests). */
  long executionId();

  /** A scratch directory, deleted by the launcher after the execution. */
  Path tempDir();

  /**
   * A directory for state worth keeping when an execution fails, such as training checkpoints: a
   * retry, or a later {@code millrace resume} of the same node with the same cache key (component
   * version, parameters and inputs), gets the same directory with what the failed attempt left.
   * The launcher deletes it once an execution succeeds.
   */
  Path resumeDir();

  /**
   * Beam pipeline arguments, like TFX's {@code beam_pipeline_args}, e.g.
   * {@code --runner=SparkRunner --sparkMaster=local[*]}; empty means the embedded default.
   */
  List<String> beamArgs();

  Logger log();

  /** The logger of {@link #notice()}. */
  String NOTICE = "millrace.notice";

  /**
   * Where to log what the user should see on the console as the run goes (choices made for them,
   * rows dropped): the logger {@value #NOTICE}, which the command line's quiet console shows, while
   * {@link #log()}'s lines go to the run's log file unless {@code -v}.
   */
  default Logger notice() {
    return org.slf4j.LoggerFactory.getLogger(NOTICE);
  }

  /**
   * The components (by name, e.g. {@code StatisticsGen}) of the nodes that take this node's output
   * {@code output} as an input and run after it in this JVM, in this run: an executor may do in its
   * own pass what such a consumer would otherwise redo. Empty when not known (a node run alone, a test).
   */
  default java.util.Set<String> consumers(String output) {
    return java.util.Set.of();
  }

  /** Starts reporting progress of a step with {@code total} units (or -1 if unknown). */
  ProgressReporter progress(String step, long total);

  /** A context for running an executor directly, e.g. in a unit test. */
  static ExecutionContext standalone(String nodeId, Path tempDir, List<String> beamArgs) {
    return standalone(nodeId, tempDir, beamArgs, java.util.Map.of());
  }

  /** {@link #standalone(String, Path, List)} whose outputs have these {@link #consumers} (by output name). */
  static ExecutionContext standalone(String nodeId, Path tempDir, List<String> beamArgs,
      java.util.Map<String, java.util.Set<String>> consumers) {
    return new StandaloneContext(nodeId, tempDir, List.copyOf(beamArgs), java.util.Map.copyOf(consumers));
  }
}
