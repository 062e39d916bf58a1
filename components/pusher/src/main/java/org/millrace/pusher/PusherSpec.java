package org.millrace.pusher;

import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.artifact.PushedModel;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;

/** The {@code Pusher} component: keys and spec. */
public final class PusherSpec {
  public static final InputKey<Model> MODEL = InputKey.of("model", Model.TYPE);
  public static final InputKey<ModelBlessing> BLESSING = InputKey.of("blessing", ModelBlessing.TYPE);
  public static final OutputKey<PushedModel> PUSHED_MODEL = OutputKey.of("pushed_model", PushedModel.TYPE);

  /** The component spec. */
  public static final ComponentSpec<PusherParams> SPEC = ComponentSpec.builder("Pusher", PusherParams.class)
      .version("2")
      .description("Publishes blessed models as integer versions (TF Serving layout) with a registry index")
      .input(MODEL).input(BLESSING).output(PUSHED_MODEL)
      .executor(PusherExecutor::new)
      // Never a cache hit: the registry changes outside the pipeline (a rollback withdraws what a cached push
      // published), so each run publishes, adopts or refuses against the registry as it is then.
      .cacheable(false)
      .build();

  private PusherSpec() {}
}
