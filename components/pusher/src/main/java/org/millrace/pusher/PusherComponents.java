package org.millrace.pusher;

import java.util.List;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.artifact.PushedModel;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;

/** The Pusher component. */
public final class PusherComponents implements ComponentProvider {
  public static final InputKey<Model> MODEL = InputKey.of("model", Model.TYPE);
  public static final InputKey<ModelBlessing> BLESSING = InputKey.of("blessing", ModelBlessing.TYPE);
  public static final OutputKey<PushedModel> PUSHED_MODEL = OutputKey.of("pushed_model", PushedModel.TYPE);

  public static final ComponentSpec<PusherParams> PUSHER = ComponentSpec.builder("Pusher", PusherParams.class)
      .description("Publishes blessed models as integer versions in a registry, atomically.")
      .input(MODEL).input(BLESSING).output(PUSHED_MODEL).executor(PusherExecutor::new).build();

  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(PUSHER);
  }
}
