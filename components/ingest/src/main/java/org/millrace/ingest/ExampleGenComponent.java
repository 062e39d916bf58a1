package org.millrace.ingest;

import java.util.List;
import org.millrace.api.artifact.Examples;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.OutputKey;

/** The ExampleGen component: a data lake span in, Examples out. */
public final class ExampleGenComponent implements ComponentProvider {
  public static final OutputKey<Examples> EXAMPLES = OutputKey.of("examples", Examples.TYPE);

  public static final ComponentSpec<ExampleGenParams> SPEC = ComponentSpec.builder("ExampleGen", ExampleGenParams.class)
      // 2: Parquet, {VERSION}, input_splits, FileSystems paths; null_values no longer apply to Arrow values.
      .version("3")
      .description("Reads a data lake span (CSV, JSON lines, Arrow IPC, Parquet) into Arrow IPC splits on Beam.")
      .output(EXAMPLES)
      .executor(ExampleGenExecutor::new)
      .driver(ExampleGenExecutor::fingerprint)
      .build();

  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(SPEC);
  }
}
