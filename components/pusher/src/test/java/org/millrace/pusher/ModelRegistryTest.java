package org.millrace.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.registry.RegistryEntry;

class ModelRegistryTest {
  @TempDir Path tmp;

  private Path model(String name, String weights) throws IOException {
    Path m = Files.createDirectories(tmp.resolve(name));
    Files.writeString(m.resolve("model.json"), "{\"name\":\"" + name + "\"}");
    Files.writeString(m.resolve("model.safetensors"), weights);
    Files.createDirectories(m.resolve("assets"));
    Files.writeString(m.resolve("assets/vocab.txt"), "a\nb\n");
    return m;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void pushesIntegerVersionsWithIndex() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    RegistryEntry v1 = reg.push("penguins", model("m1", "w1"), "file:/m1", "first");
    RegistryEntry v2 = reg.push("penguins", model("m2", "w2"), "file:/m2", "second");
    assertEquals(1, v1.version());
    assertEquals(2, v2.version());
    assertEquals("w2", Files.readString(tmp.resolve("serving/penguins/2/model.safetensors")));
    assertEquals("a\nb\n", Files.readString(tmp.resolve("serving/penguins/1/assets/vocab.txt")));
    assertEquals(List.of(1, 2), reg.list("penguins").stream().map(RegistryEntry::version).toList());
    assertEquals("file:/m2", reg.current("penguins").orElseThrow().modelUri());
    assertFalse(v1.fingerprint().equals(v2.fingerprint()));
    assertEquals(64, v1.fingerprint().length());
  }

  @Test
  void crashMidCopyLeavesNoVersionAndNextPushSucceeds() throws IOException {
    Path base = tmp.resolve("serving");
    AtomicInteger copied = new AtomicInteger();
    var crashing = new ModelRegistry(base, f -> {
      if (copied.incrementAndGet() == 2) {
        throw new IOException("simulated crash after " + f.getFileName());
      }
    });
    Path m = model("m1", "weights");
    var e = assertThrows(UncheckedIOException.class, () -> crashing.push("penguins", m, "file:/m1", "r"));
    assertTrue(e.getMessage().contains("simulated crash"), e.getMessage());
    List<String> left = names(base.resolve("penguins"));
    assertTrue(left.stream().noneMatch(n -> n.matches("\\d+")), "no version dir visible: " + left);
    assertTrue(left.stream().anyMatch(n -> n.startsWith(".tmp-")), "partial copy stays in .tmp-*: " + left);
    assertFalse(left.contains("registry.json"));

    var reg = new ModelRegistry(base);
    assertEquals(1, reg.push("penguins", m, "file:/m1", "retry").version());
    List<String> after = names(base.resolve("penguins"));
    assertTrue(after.stream().noneMatch(n -> n.startsWith(".tmp-")), "stale .tmp-* cleaned: " + after);
    assertEquals(List.of("assets", "model.json", "model.safetensors"), names(base.resolve("penguins/1")));
  }

  @Test
  void rollbackRepublishesTargetAsNewHighestVersion() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    reg.push("p", model("m1", "w1"), "file:/m1", "a");
    reg.push("p", model("m2", "w2"), "file:/m2", "b");
    reg.push("p", model("m3", "w3"), "file:/m3", "c");
    ManualDecision d = reg.rollback("p", 1, "m2 and m3 regress on Biscoe");
    assertEquals(4, d.version());
    assertEquals(1, d.rollbackOf());
    assertEquals("file:/m1", d.modelUri());
    assertEquals("w1", Files.readString(tmp.resolve("serving/p/4/model.safetensors")));
    List<RegistryEntry> all = reg.list("p");
    assertEquals(List.of(false, true, true, false), all.stream().map(RegistryEntry::rolledBack).toList());
    RegistryEntry cur = reg.current("p").orElseThrow();
    assertEquals(4, cur.version());
    assertEquals(1, cur.rollbackOf());
    assertEquals(all.get(0).fingerprint(), cur.fingerprint());
    assertEquals("m2 and m3 regress on Biscoe", cur.reason());
  }

  @Test
  void rollbackToUnknownVersionNamesKnownOnes() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    reg.push("p", model("m1", "w1"), "file:/m1", "a");
    var e = assertThrows(IllegalArgumentException.class, () -> reg.rollback("p", 7, "x"));
    assertTrue(e.getMessage().startsWith("rollback version expected one of [1], got 7"), e.getMessage());
  }

  @Test
  void manualBlessWritesBlessingWithReason() throws IOException {
    Path m = model("m1", "w");
    ManualDecision d = ModelRegistry.bless(m, tmp.resolve("bless"), "hotfix approved by on-call");
    var json = ModelRegistry.MAPPER.readTree(tmp.resolve("bless/blessing.json").toFile());
    assertTrue(json.get("blessed").asBoolean());
    assertEquals("manual", json.get("decision").asText());
    assertEquals("hotfix approved by on-call", json.get("reason").asText());
    assertEquals("bless", d.kind());
    assertNull(d.version());
    var e = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.bless(m, tmp.resolve("b2"), " "));
    assertTrue(e.getMessage().startsWith("bless expected a reason"), e.getMessage());
  }

  @Test
  void rejectsBadModelName() throws IOException {
    Path m = model("m1", "w");
    var e = assertThrows(IllegalArgumentException.class,
        () -> new ModelRegistry(tmp).push("../x", m, "u", "r"));
    assertTrue(e.getMessage().startsWith("model name expected"), e.getMessage());
  }

  @Test
  void aVersionRenamedButNotIndexedIsRecordedByTheNextPushAndNotPushedAgain() throws IOException {
    Path base = tmp.resolve("serving");
    var reg = new ModelRegistry(base);
    Path m = model("m1", "w1");
    RegistryEntry v1 = reg.push("penguins", m, "file:/m1", "first");
    // What a push killed between the version directory's rename and the index write leaves.
    Path dir = base.resolve("penguins");
    Files.delete(dir.resolve("registry.json"));
    Files.write(dir.resolve(".push-1.json"), ModelRegistry.MAPPER.writeValueAsBytes(v1));
    assertEquals(List.of(), reg.list("penguins"));

    RegistryEntry again = reg.push("penguins", m, "file:/m1", "retried");
    assertEquals(1, again.version());
    assertEquals(List.of(1), reg.list("penguins").stream().map(RegistryEntry::version).toList());
    assertEquals("first", reg.list("penguins").get(0).reason());
    assertEquals(List.of(".lock", "1", "registry.json"), names(dir));
  }

  @Test
  void theServedModelPushedAgainIsNotASecondVersion() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    Path m = model("m1", "w1");
    assertEquals(1, reg.push("penguins", m, "file:/m1", "a").version());
    assertEquals(1, reg.push("penguins", m, "file:/m1", "b").version());
    assertEquals(2, reg.push("penguins", model("m2", "w2"), "file:/m2", "c").version());
    assertEquals(List.of(1, 2), reg.list("penguins").stream().map(RegistryEntry::version).toList());
  }

  /** Two runs that trained the same model (the same files, two model artifacts) publish it once. */
  @Test
  void theServedFilesFromAnotherModelArtifactAreNotASecondVersion() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    assertEquals(1, reg.push("penguins", model("m1", "w1"), "file:/run1/model", "a").version());
    Path same = Files.createDirectories(tmp.resolve("run2/model"));
    Files.writeString(same.resolve("model.json"), "{\"name\":\"m1\"}");
    Files.writeString(same.resolve("model.safetensors"), "w1");
    Files.createDirectories(same.resolve("assets"));
    Files.writeString(same.resolve("assets/vocab.txt"), "a\nb\n");
    assertEquals(1, reg.push("penguins", same, "file:/run2/model", "b").version());
    assertEquals(List.of(1), reg.list("penguins").stream().map(RegistryEntry::version).toList());
  }

  /** The files a rollback withdrew are not published again by a later push (only by a rollback to them). */
  @Test
  void theFilesARollbackWithdrewAreRefused() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    reg.push("p", model("m1", "w1"), "file:/m1", "a");
    Path m2 = model("m2", "w2");
    reg.push("p", m2, "file:/m2", "b");
    reg.rollback("p", 1, "v2 misbehaves");
    var refused = assertThrows(ModelRegistry.Refused.class, () -> reg.push("p", m2, "file:/m2", "again",
        java.time.Instant.now()));
    assertTrue(refused.getMessage().startsWith("not published: these are the files of version 2, withdrawn by the"
        + " rollback to version 1 (version 3, "), refused.getMessage());
    assertTrue(refused.getMessage().endsWith("v2 misbehaves). To serve them again on purpose: millrace models rollback"
        + " p --to 2 --reason ..."), refused.getMessage());
    assertEquals(List.of(1, 2, 3), reg.list("p").stream().map(RegistryEntry::version).toList());
    assertEquals(4, reg.rollback("p", 2, "fixed after all").version(), "a rollback to them still serves them");
    // Served again on purpose, then superseded as any version is: no longer withdrawn.
    reg.push("p", model("m3", "w3"), "file:/m3", "next");
    assertEquals(6, reg.push("p", m2, "file:/m2", "evaluated again", java.time.Instant.now()).version());
  }

  /** A model evaluated before the newest version was published (an old run resumed) is refused. */
  @Test
  void aModelEvaluatedBeforeTheNewestVersionIsRefused() throws IOException {
    var reg = new ModelRegistry(tmp.resolve("serving"));
    java.time.Instant evaluated = java.time.Instant.now().minusSeconds(60);
    RegistryEntry v1 = reg.push("p", model("m1", "w1"), "file:/m1", "a");
    var refused = assertThrows(ModelRegistry.Refused.class, () -> reg.push("p", model("m2", "w2"), "file:/m2", "old",
        evaluated));
    assertEquals("not published: version 1 was published at " + v1.pushedAt() + ", after this model was evaluated at "
        + evaluated + " against the model in production then. Run the pipeline again to evaluate it against the one"
        + " now", refused.getMessage());
    assertEquals(2, reg.push("p", model("m2", "w2"), "file:/m2", "new", java.time.Instant.now()).version());
  }
}
