package org.millrace.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

class PusherExecutorTest {
  @TempDir Path tmp;

  private ExecutorResult run(long blessed, String blessingJson) throws IOException {
    Path m = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(m.resolve("model.json"), "{}");
    Path b = Files.createDirectories(tmp.resolve("blessing"));
    Files.writeString(b.resolve("blessing.json"), blessingJson);
    var params = ParameterBinder.bind(PusherParams.class,
        Map.of("base_dir", tmp.resolve("serving").toString(), "model_name", "penguins"));
    Map<String, List<Artifact>> in = Map.of("model", List.of(new Model(m.toString(), Map.of())),
        "blessing", List.of(new ModelBlessing(b.toString(), Map.of("blessed", blessed))));
    var input = new ExecutorInput<>(in, Map.of("pushed_model", tmp.resolve("out")), params);
    return new PusherExecutor().execute(input, ExecutionContext.standalone("pusher", tmp, List.of()));
  }

  @Test
  void refusesUnblessedModelWithFailedChecksAsReason() throws IOException {
    ExecutorResult r = run(0, "{\"blessed\":false,\"checks\":[{\"metric\":\"accuracy\",\"slice\":\"Overall\","
        + "\"kind\":\"lower\",\"status\":\"fail\",\"message\":\"0.7 < lower bound 0.9\"}]}");
    var props = r.properties(PusherSpec.PUSHED_MODEL);
    assertEquals(0L, props.get("pushed"));
    assertEquals("model not blessed: accuracy@Overall lower: 0.7 < lower bound 0.9", props.get("reason"));
    assertFalse(Files.exists(tmp.resolve("serving/penguins/1")));
    assertTrue(Files.readString(tmp.resolve("out/pushed_model.json")).contains("\"pushed\" : false"));
  }

  @Test
  void pushesBlessedModel() throws IOException {
    ExecutorResult r = run(1, "{\"blessed\":true,\"decision\":\"evaluator\",\"checks\":[]}");
    var props = r.properties(PusherSpec.PUSHED_MODEL);
    assertEquals(1L, props.get("pushed"));
    assertEquals(1L, props.get("pushed_version"));
    assertTrue(Files.exists(tmp.resolve("serving/penguins/1/model.json")));
    assertEquals(1, new ModelRegistry(tmp.resolve("serving")).list("penguins").size());
  }

  @Test
  void rejectsBadParameters() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(PusherParams.class, Map.of("base_dir", "/x", "model_name", "a/b")));
    assertTrue(e.getMessage().contains("model_name expected"), e.getMessage());
  }

  @Test
  void registersPusherComponent() {
    assertEquals("Pusher", new PusherComponents().components().get(0).type());
  }
}
