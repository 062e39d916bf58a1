package org.millrace.api.spec;

import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An {@link ExecutionContext} without a runner: for executor tests and one-off runs. */
record StandaloneContext(String nodeId, Path tempDir, List<String> beamArgs,
    java.util.Map<String, java.util.Set<String>> consumersByOutput) implements ExecutionContext {

  @Override
  public java.util.Set<String> consumers(String output) {
    return consumersByOutput.getOrDefault(output, java.util.Set.of());
  }

  @Override
  public String pipelineName() {
    return "standalone";
  }

  @Override
  public String runId() {
    return "standalone";
  }

  /** {@code <tempDir>/resume}: runs with the same temp dir share it. */
  @Override
  public Path resumeDir() {
    return tempDir.resolve("resume");
  }

  @Override
  public long executionId() {
    return -1;
  }

  @Override
  public Logger log() {
    return LoggerFactory.getLogger("millrace." + nodeId);
  }

  @Override
  public ProgressReporter progress(String step, long total) {
    return ProgressReporter.NONE;
  }
}
