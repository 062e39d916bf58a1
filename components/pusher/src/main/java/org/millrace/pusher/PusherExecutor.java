package org.millrace.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;

/** Pushes a blessed model to the registry; records a refusal (pushed=0 with the reason) otherwise. */
public final class PusherExecutor implements Executor<PusherParams> {

  @Override
  public ExecutorResult execute(ExecutorInput<PusherParams> input, ExecutionContext context) {
    PusherParams params = input.parameters();
    Model model = input.input(PusherSpec.MODEL);
    ModelBlessing blessing = input.input(PusherSpec.BLESSING);
    Path out = input.output(PusherSpec.PUSHED_MODEL);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model", model.uri());
    record.put("blessing", blessing.uri());
    var result = ExecutorResult.builder();
    boolean blessed = blessing.longProperty(ModelBlessing.BLESSED).isPresent() ? blessing.blessed()
        : readBlessing(blessing).path("blessed").asBoolean(false);
    if (!blessed) {
      String reason = "model not blessed: " + failedChecks(blessing);
      context.log().warn("{}: not pushing {}: {}", context.nodeId(), model.uri(), reason);
      record.put("pushed", false);
      record.put("reason", reason);
      write(out, record);
      return result.property(PusherSpec.PUSHED_MODEL, "pushed", 0L)
          .property(PusherSpec.PUSHED_MODEL, "reason", reason).build();
    }
    String reason = "blessed by " + readBlessing(blessing).path("decision").asText("evaluator")
        + " (" + blessing.uri() + ")";
    RegistryEntry e = new ModelRegistry(Path.of(params.baseDir()))
        .push(params.modelName(), model.path(), model.uri(), reason);
    Path versionDir = Path.of(params.baseDir(), params.modelName(), Integer.toString(e.version()));
    record.put("pushed", true);
    record.put("version", e.version());
    record.put("destination", versionDir.toString());
    record.put("fingerprint", e.fingerprint());
    record.put("reason", reason);
    write(out, record);
    return result.property(PusherSpec.PUSHED_MODEL, "pushed", 1L)
        .property(PusherSpec.PUSHED_MODEL, "pushed_version", (long) e.version())
        .property(PusherSpec.PUSHED_MODEL, "pushed_destination", versionDir.toString())
        .property(PusherSpec.PUSHED_MODEL, "model_name", params.modelName())
        .property(PusherSpec.PUSHED_MODEL, "fingerprint", e.fingerprint())
        .property(PusherSpec.PUSHED_MODEL, "reason", reason).build();
  }

  private static JsonNode readBlessing(ModelBlessing blessing) {
    Path f = blessing.path().resolve("blessing.json");
    try {
      return ModelRegistry.MAPPER.readTree(f.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(f + " expected a blessing JSON file, could not read it: " + e.getMessage(), e);
    }
  }

  private static String failedChecks(ModelBlessing blessing) {
    if (!Files.exists(blessing.path().resolve("blessing.json"))) {
      return "blessed=0 (no blessing.json in " + blessing.uri() + ")";
    }
    List<String> failed = new ArrayList<>();
    for (JsonNode c : readBlessing(blessing).path("checks")) {
      if ("fail".equals(c.path("status").asText())) {
        failed.add(c.path("metric").asText() + "@" + c.path("slice").asText() + " " + c.path("kind").asText()
            + ": " + c.path("message").asText());
      }
    }
    return failed.isEmpty() ? "blessed=0" : String.join("; ", failed);
  }

  private static void write(Path out, Map<String, Object> record) {
    try {
      Files.createDirectories(out);
      ModelRegistry.writeAtomically(out.resolve("pushed_model.json"), ModelRegistry.MAPPER.writeValueAsBytes(record));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write pushed_model.json into " + out, e);
    }
  }
}
