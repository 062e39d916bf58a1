package org.millrace.pipelines.launch;

import java.nio.file.Path;
import java.util.List;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ExecutionContext} the launcher gives an executor. */
record LaunchContext(String pipelineName, String runId, String nodeId, long executionId, Path tempDir,
    Path resumeDir, List<String> beamArgs, ProgressFactory progressFactory) implements ExecutionContext {

  @Override
  public Logger log() {
    return LoggerFactory.getLogger("millrace." + nodeId);
  }

  @Override
  public ProgressReporter progress(String step, long total) {
    return progressFactory.start(nodeId, step, total);
  }
}
