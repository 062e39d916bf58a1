package org.millrace.metadata;

import java.util.List;

/** Ids assigned by {@link MetadataStore#putExecution}: the execution, each artifact (in order), each context. */
public record PutExecutionResult(long executionId, List<Long> artifactIds, List<Long> contextIds) {

  public PutExecutionResult {
    artifactIds = List.copyOf(artifactIds);
    contextIds = List.copyOf(contextIds);
  }
}
