package org.millrace.trainer.component;

import java.util.List;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelRun;
import org.millrace.api.artifact.Schema;
import org.millrace.api.artifact.TransformGraph;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;

/** The Trainer component. */
public final class TrainerComponents implements ComponentProvider {
  public static final InputKey<Examples> EXAMPLES = InputKey.of("examples", Examples.TYPE);
  public static final InputKey<TransformGraph> TRANSFORM_GRAPH = InputKey.of("transform_graph", TransformGraph.TYPE);
  public static final InputKey<Schema> SCHEMA = InputKey.optional("schema", Schema.TYPE);
  public static final InputKey<Model> BASE_MODEL = InputKey.optional("base_model", Model.TYPE);
  public static final OutputKey<Model> MODEL = OutputKey.of("model", Model.TYPE);
  public static final OutputKey<ModelRun> MODEL_RUN = OutputKey.of("model_run", ModelRun.TYPE);

  public static final ComponentSpec<TrainerParams> TRAINER = ComponentSpec.builder("Trainer", TrainerParams.class)
      // 2: model.onnx beside model.json and model.safetensors; threads unset in the recorded parameters.
      .version("2")
      .description("Trains a dense network on transformed examples; the model embeds the transform graph.")
      .input(EXAMPLES).input(TRANSFORM_GRAPH).input(SCHEMA).input(BASE_MODEL).output(MODEL).output(MODEL_RUN)
      .executor(TrainerExecutor::new)
      // The cache key holds what backend auto takes here (a distributed job's ranks choose their own).
      .driver((p, ctx) -> p.distributed() != null ? "" : Backends.autoResolution(p.backend()))
      .build();

  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(TRAINER);
  }
}
