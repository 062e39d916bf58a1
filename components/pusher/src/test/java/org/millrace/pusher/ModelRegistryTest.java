package org.millrace.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

class ModelRegistryTest {
  @TempDir
  Path dir;

  Path model(String content) throws IOException {
    Path m = Files.createDirectories(dir.resolve("models/" + content));
    Files.writeString(m.resolve("model.json"), content);
    Files.writeString(m.resolve("model.safetensors"), content + "-weights");
    return m;
  }

  ExecutorResult push(Path model, boolean blessed) throws Exception {
    Path out = Files.createDirectories(dir.resolve("out-" + model.getFileName() + blessed));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of(
        "model", List.of(new Model(model.toString(), Map.of())),
        "blessing", List.of(new ModelBlessing(dir.resolve("b").toString(), Map.of("blessed", blessed ? 1L : 0L,
            "summary", blessed ? "blessed" : "not blessed: 1 of 2 checks failed", "model_uri", model.toString())))),
        Map.of("pushed_model", out), new PusherParams(dir.resolve("registry").toString(), "penguins"));
    return new PusherExecutor().execute(in, ExecutionContext.standalone("pusher", dir, List.of()));
  }

  @Test
  void pushesBlessedModelsAsIncreasingVersionsAndRefusesOthers() throws Exception {
    var r1 = push(model("a"), true);
    assertEquals(1L, r1.outputProperties().get("pushed_model").get("pushed_version"));
    var r2 = push(model("b"), false);
    assertEquals(0L, r2.outputProperties().get("pushed_model").get("pushed"));
    assertTrue(((String) r2.outputProperties().get("pushed_model").get("reason"))
        .startsWith("not pushed: not blessed: 1 of 2 checks failed"));
    push(model("c"), true);
    var registry = new ModelRegistry(dir.resolve("registry"), "penguins");
    assertEquals(List.of(1L, 2L), registry.versions());
    assertEquals("c", Files.readString(dir.resolve("registry/penguins/2/model.json")));
    assertEquals(2, registry.index().size());
    assertTrue(registry.index().get(1).modelUri().endsWith("models/c"));
  }

  @Test
  void aCrashDuringCopyLeavesNoVisibleVersionAndTheNextPushSucceeds() throws Exception {
    var crashing = new ModelRegistry(dir.resolve("registry"), "m") {
      @Override
      protected void copyTree(Path from, Path to) throws IOException {
        Files.writeString(to.resolve("model.json"), "half");
        throw new IOException("disk full (simulated)");
      }
    };
    var e = assertThrows(IOException.class, () -> crashing.push(model("a"), "fp", "test"));
    assertEquals("disk full (simulated)", e.getMessage());
    var registry = new ModelRegistry(dir.resolve("registry"), "m");
    assertEquals(List.of(), registry.versions());
    // A crash that killed the process would leave its .tmp- directory; the next push cleans it.
    Files.createDirectories(dir.resolve("registry/m/.tmp-killed"));
    registry.push(model("b"), "fp", "test");
    assertEquals(List.of(1L), registry.versions());
    try (var s = Files.list(dir.resolve("registry/m"))) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
    }
  }

  @Test
  void rollbackRepublishesAnOlderVersionAsTheNewest() throws Exception {
    var registry = new ModelRegistry(dir.resolve("registry"), "m");
    registry.push(model("a"), "fa", "first");
    registry.push(model("b"), "fb", "second");
    var v = registry.rollback(1, "b misbehaves in production");
    assertEquals(3L, v.version());
    assertEquals(1L, v.rollbackOf());
    assertEquals("a", Files.readString(dir.resolve("registry/m/3/model.json")));
    var bad = assertThrows(IllegalArgumentException.class, () -> registry.rollback(9, "x"));
    assertEquals("rollback version expected one of [1, 2, 3], got 9", bad.getMessage());
  }
}
