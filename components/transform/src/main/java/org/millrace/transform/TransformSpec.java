package org.millrace.transform;

import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Schema;
import org.millrace.api.artifact.TransformGraph;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;
import org.millrace.transform.spec.TransformParams;

/** The Transform component: raw Examples (one or more spans) to a TransformGraph and transformed Examples. */
public final class TransformSpec {
  /** Raw examples; several artifacts = several spans (a rolling window). */
  public static final InputKey<Examples> EXAMPLES = new InputKey<>("examples", Examples.TYPE, false, true);
  public static final InputKey<Schema> SCHEMA = InputKey.optional("schema", Schema.TYPE);
  public static final OutputKey<TransformGraph> TRANSFORM_GRAPH = OutputKey.of("transform_graph", TransformGraph.TYPE);
  public static final OutputKey<Examples> TRANSFORMED_EXAMPLES = OutputKey.of("transformed_examples", Examples.TYPE);

  private TransformSpec() {}

  /** The component spec (type {@code Transform}, executor version 1). */
  public static ComponentSpec<TransformParams> spec() {
    return ComponentSpec.builder("Transform", TransformParams.class)
        .version("3") // 3: the graph names the columns it does not read (ignored_inputs)
        .description("Analyze (full-pass Beam combiners) and apply a declarative preprocessing spec")
        .input(EXAMPLES)
        .input(SCHEMA)
        .output(TRANSFORM_GRAPH)
        .output(TRANSFORMED_EXAMPLES)
        .executor(TransformExecutor::new)
        .build();
  }

}
