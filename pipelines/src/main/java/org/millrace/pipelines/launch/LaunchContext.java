package org.millrace.pipelines.launch;

import java.nio.file.Path;
import java.util.List;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ExecutionContext} the launcher gives an executor. */
record LaunchContext(String pipelineName, String runId, String nodeId, long executionId, Path tempDir,
    Path resumeDir, List<String> beamArgs, ProgressFactory progressFactory,
    java.util.Map<String, java.util.Set<String>> consumersByOutput) implements ExecutionContext {

  @Override
  public java.util.Set<String> consumers(String output) {
    return consumersByOutput.getOrDefault(output, java.util.Set.of());
  }

  @Override
  public Logger log() {
    return LoggerFactory.getLogger("millrace." + nodeId);
  }

  @Override
  public ProgressReporter progress(String step, long total) {
    return progressFactory.start(nodeId, step, total);
  }
}
