package org.millrace.pipelines.compile;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline that does not compile, with every error found. */
public final class PipelineCompileException extends IllegalArgumentException {
  private final List<CompileError> errors;

  public PipelineCompileException(List<CompileError> errors) {
    super(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in pipeline:\n"
        + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<CompileError> errors() {
    return errors;
  }
}
