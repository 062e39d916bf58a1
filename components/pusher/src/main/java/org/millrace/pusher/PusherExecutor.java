package org.millrace.pusher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;

/**
 * Pushes a blessed model to the registry as its next version; a model that is not blessed is
 * refused — recorded with {@code pushed=0} and the reason, without failing the run.
 */
public final class PusherExecutor implements Executor<PusherParams> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public ExecutorResult execute(ExecutorInput<PusherParams> input, ExecutionContext ctx) throws Exception {
    PusherParams p = input.parameters();
    Model model = input.input(PusherComponents.MODEL);
    ModelBlessing blessing = input.input(PusherComponents.BLESSING);
    var props = new LinkedHashMap<String, Object>();
    String modelUri = blessing.stringProperty("model_uri").orElse(model.uri());
    if (!modelUri.equals(model.uri())) {
      throw new IllegalArgumentException("blessing expected to be about model " + model.uri() + ", got one about "
          + modelUri + ". Wire the Evaluator that evaluated this model.");
    }
    if (!blessing.blessed()) {
      String why = blessing.stringProperty("summary").orElse("the model was not blessed");
      props.put("pushed", 0L);
      props.put("reason", "not pushed: " + why + " (see " + blessing.uri() + "/blessing.json)");
      ctx.log().info("Pusher: {}", props.get("reason"));
    } else {
      var registry = new ModelRegistry(Path.of(p.baseDir()), p.modelName());
      var v = registry.push(model.path(), model.stringProperty("fingerprint").orElse(""),
          blessing.stringProperty("summary").orElse("blessed"));
      props.put("pushed", 1L);
      props.put("pushed_version", v.version());
      props.put("pushed_destination", registry.directory().resolve(String.valueOf(v.version())).toAbsolutePath().toString());
      ctx.log().info("Pusher: pushed {} as version {}", model.uri(), v.version());
    }
    Path out = input.output(PusherComponents.PUSHED_MODEL);
    JSON.writeValue(out.resolve("push.json").toFile(), props);
    return ExecutorResult.builder().properties(PusherComponents.PUSHED_MODEL, props).build();
  }
}
