package org.millrace.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterBinder;

/** Runs ExampleGen's executor as the launcher does, for the tests of this module. */
final class ExampleGenRuns {
  private ExampleGenRuns() {}

  /** Binds {@code params} (YAML-style) and runs the executor with {@code out} as its examples directory. */
  static ExecutorResult execute(Path workDir, Map<String, Object> params, Path out, List<String> beamArgs)
      throws Exception {
    var p = ParameterBinder.bind(ExampleGenParams.class, params);
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(), Map.of("examples", out), p);
    return new ExampleGenExecutor().execute(in, ExecutionContext.standalone("ingest", workDir, beamArgs));
  }

  /** {@link #execute} on the embedded runner; the examples' properties. */
  static Map<String, Object> properties(Path workDir, Map<String, Object> params, Path out) throws Exception {
    return execute(workDir, params, out, List.of()).properties(ExampleGenComponent.EXAMPLES);
  }
}
